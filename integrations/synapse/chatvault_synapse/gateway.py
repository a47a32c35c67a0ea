"""The Synapse module: ChatVault decides on each local message before delivery; the archive notice."""

from __future__ import annotations

import json
import logging
from collections import deque
from datetime import datetime, timezone
from typing import Any, Mapping

from synapse.api.errors import Codes, SynapseError
from synapse.module_api import ModuleApi, make_deferred_yieldable, run_in_background
from synapse.module_api.errors import ConfigError
from twisted.internet import reactor

from .config import ChatVaultConfig, ChatVaultConfigError
from .config import parse_config as _parse_config
from .content import UnreadableMessage, clean, read_message, replaced_content

logger = logging.getLogger(__name__)

DECISIONS = ("allow", "warn", "redact", "block")
UNREACHABLE = "ChatVault archive unreachable: message not sent"
MAX_RECIPIENTS = 500
MAX_QUEUED_TIPS = 10_000
MAX_ANSWER_TEXT = 262_144
TIPS_ROOM_TYPE = "org.chatvault.tips_room"


class Unreachable(Exception):
    """ChatVault did not answer 200 with a well-formed body in time."""


class ChatVaultGateway:
    """Asks ChatVault about every message a local user sends, and posts the archive notice."""

    def __init__(self, config: ChatVaultConfig, api: ModuleApi):
        self._config = config
        self._api = api
        self._bot = api.get_qualified_user_id(config.notice_user)
        self._timeout = config.timeout_ms / 1000
        self._headers = {
            b"Authorization": [b"Bearer " + config.token.encode("ascii")],
            b"X-ChatVault-Fail-Mode": [config.fail_mode.encode("ascii")],
        }
        self._bot_ready = False
        self._tips: deque[tuple[str, str, str, str]] = deque()
        self._tip_worker = False
        api.register_third_party_rules_callbacks(
            check_event_allowed=self.check_event_allowed,
            on_new_event=self.on_new_event,
        )
        logger.info("chatvault_synapse: %r, notices from %s", config, self._bot)

    @staticmethod
    def parse_config(config: Any) -> ChatVaultConfig:
        try:
            return _parse_config(config)
        except ChatVaultConfigError as error:
            raise ConfigError(str(error)) from None

    # -- ChatVault's API -------------------------------------------------------------------

    async def _post(self, path: str, body: dict[str, Any]) -> Mapping[str, Any]:
        """POST JSON, bounded by timeout_ms; any failure is Unreachable."""
        deferred = run_in_background(
            self._api.http_client.post_json_get_json, self._config.url + path, body, headers=self._headers
        )
        deferred.addTimeout(self._timeout, reactor)
        try:
            answer = await make_deferred_yieldable(deferred)
        except Exception as error:  # timeout, refused, non-2xx, not JSON
            raise Unreachable(f"{path}: {type(error).__name__}: {str(error)[:300]}") from None
        if not isinstance(answer, Mapping):
            raise Unreachable(f"{path}: the answer is not a JSON object")
        return answer

    async def _decide(self, event: Any, text: str, state: Mapping[tuple[str, str], Any]) -> Mapping[str, Any]:
        members = _members(state)
        sender = event.sender
        body: dict[str, Any] = {
            "platform": self._config.platform,
            "conversation": event.room_id,
            "conversation_kind": _kind(state),
            "id": event.event_id,
            "sender": {"id": sender, "name": clean(_display_name(state, sender), 256)},
            "sent_at": _iso(event.origin_server_ts),
            "text": text,
            "recipients": [user for user in members if user not in (sender, self._bot)][:MAX_RECIPIENTS],
        }
        name = _room_name(state)
        if name:
            body["conversation_name"] = name
        answer = await self._post("/api/v1/decide", body)
        decision = answer.get("decision")
        if decision not in DECISIONS:
            raise Unreachable(f"/api/v1/decide: unknown decision {str(decision)[:40]!r}")
        if decision == "redact" and not (isinstance(answer.get("text"), str) and len(answer["text"]) <= MAX_ANSWER_TEXT):
            raise Unreachable("/api/v1/decide: a redact decision without its text")
        tip = answer.get("tip")
        if tip is not None and not isinstance(tip, str):
            raise Unreachable("/api/v1/decide: the tip is not text")
        return answer

    # -- before delivery ---------------------------------------------------------------------

    async def check_event_allowed(
        self, event: Any, state_events: Mapping[tuple[str, str], Any]
    ) -> tuple[bool, dict | None]:
        """Refuses a blocked message (the client's error carries the tip), replaces a redacted one."""
        if event.sender == self._bot or not self._api.is_mine(event.sender):
            return True, None
        if event.type in ("m.room.encrypted", "m.room.encryption") and self._config.encrypted == "refuse":
            raise SynapseError(
                403,
                "Encrypted messages cannot be archived here: this server sends messages unencrypted",
                Codes.FORBIDDEN,
                {"org.chatvault.decision": "refused"},
            )
        if event.type != "m.room.message" or event.is_state():
            return True, None
        try:
            text, rewritten = read_message(event.content)
        except UnreadableMessage as error:
            raise SynapseError(400, f"Message refused: {error}", Codes.BAD_JSON) from None
        try:
            answer = await self._decide(event, text, state_events)
        except Unreachable as error:
            if self._config.fails_open:
                logger.warning("chatvault_synapse: %s; fail_mode open, %s delivered unchanged", error, event.event_id)
                return True, None
            logger.error("chatvault_synapse: %s; fail_mode closed, %s refused", error, event.event_id)
            raise SynapseError(503, UNREACHABLE, Codes.UNKNOWN, {"org.chatvault.decision": "unreachable"}) from None

        decision = answer["decision"]
        tip = answer.get("tip")
        if decision != "allow" and tip:
            self._queue_tip(event.sender, event.room_id, decision, clean(tip, 4000))
        if decision == "block":
            raise SynapseError(
                403,
                clean(tip, 4000) if tip else "Message blocked by the compliance policy",
                Codes.FORBIDDEN,
                {"org.chatvault.decision": "block", "org.chatvault.tip": clean(tip, 4000) if tip else None},
            )
        if decision == "redact":
            content = replaced_content(event.content, clean(answer["text"]), redacted=True)
        elif rewritten is not None:
            content = rewritten
        else:
            return True, None
        replacement = event.get_dict()
        replacement["content"] = content
        return True, replacement

    # -- the policy tip ----------------------------------------------------------------------

    def _queue_tip(self, user: str, room_id: str, decision: str, tip: str) -> None:
        """Tips are sent one at a time by one background worker, so a user gets one tips room."""
        if len(self._tips) >= MAX_QUEUED_TIPS:
            logger.error("chatvault_synapse: %d policy tips queued; the tip for %s is dropped", len(self._tips), user)
            return
        self._tips.append((user, room_id, decision, tip))
        if not self._tip_worker:
            self._tip_worker = True
            self._api.run_as_background_process("chatvault_tips", self._send_tips)

    async def _send_tips(self) -> None:
        try:
            while self._tips:
                await self._send_tip(*self._tips.popleft())
        finally:
            self._tip_worker = False

    async def _send_tip(self, user: str, room_id: str, decision: str, tip: str) -> None:
        """An m.notice in the user's private tips room (created with the notice user, joined for them)."""
        try:
            await self._ensure_bot()
            tips_room = await self._tips_room(user)
            name = _room_label(await self._api.get_room_state(room_id, [("m.room.name", "")]), room_id)
            body = f"{tip}\n\n({decision}: your message in {name})"
            await self._notice(tips_room, body, {"org.chatvault.decision": decision, "org.chatvault.room": room_id})
        except Exception as error:
            logger.error("chatvault_synapse: cannot send the policy tip to %s: %s", user, error)

    async def _tips_room(self, user: str) -> str:
        stored = await self._api.account_data_manager.get_global(user, TIPS_ROOM_TYPE)
        room_id = stored.get("room_id") if stored else None
        if isinstance(room_id, str):
            state = await self._api.get_room_state(room_id, [("m.room.member", self._bot), ("m.room.member", user)])
            if all(
                (member := state.get(("m.room.member", who))) is not None and member.membership == "join"
                for who in (self._bot, user)
            ):
                return room_id
        room_id, _ = await self._api.create_room(
            self._bot,
            {
                "preset": "private_chat",
                "name": self._config.tips_room_name,
                "invite": [user],
                "is_direct": True,
                "creation_content": {TIPS_ROOM_TYPE: True},
            },
            ratelimit=False,
        )
        await self._api.update_room_membership(user, user, room_id, "join")
        await self._api.account_data_manager.put_global(user, TIPS_ROOM_TYPE, {"room_id": room_id})
        return room_id

    # -- the archive notice ------------------------------------------------------------------

    async def on_new_event(self, event: Any, state_events: Mapping[tuple[str, str], Any]) -> None:
        """Membership changes: the notice user accepts its invites; a join gets the notice."""
        if event.type != "m.room.member" or event.is_state() is False:
            return
        membership = event.content.get("membership")
        previous = (event.unsigned or {}).get("prev_content", {}) or {}
        if membership != "join" and not (membership == "invite" and event.state_key == self._bot):
            return
        if membership == "join" and previous.get("membership") == "join":
            return  # a profile change, not a join
        self._api.run_as_background_process("chatvault_membership", self._membership, event)

    async def _membership(self, event: Any) -> None:
        try:
            if event.state_key == self._bot:
                if event.content.get("membership") == "invite":
                    await self._api.update_room_membership(self._bot, self._bot, event.room_id, "join")
                else:
                    await self._announce(event.room_id, None)
                return
            state = await self._api.get_room_state(event.room_id, [("m.room.member", self._bot)])
            bot = state.get(("m.room.member", self._bot))
            if bot is not None and bot.membership == "join":
                await self._announce(event.room_id, event.state_key)
            elif bot is None or bot.membership == "leave":
                await self._invite_bot(event.room_id, event.state_key)
        except Exception as error:
            logger.error("chatvault_synapse: archive notice in %s failed: %s", event.room_id, error)

    async def _invite_bot(self, room_id: str, user: str) -> None:
        """A room the notice user is not in (created before the module): the joining user invites it."""
        if not self._api.is_mine(user):
            return
        await self._ensure_bot()
        try:
            await self._api.update_room_membership(user, self._bot, room_id, "invite")
        except Exception as error:
            logger.warning("chatvault_synapse: %s cannot invite %s into %s: %s", user, self._bot, room_id, error)

    async def _announce(self, room_id: str, joined: str | None) -> None:
        """POST /api/v1/notice; posts its text when someone is new (always when the notice user arrives)."""
        state = await self._api.get_room_state(room_id)
        create = state.get(("m.room.create", ""))
        if create is not None and create.content.get(TIPS_ROOM_TYPE) is True:
            return  # a user's own tips room
        participants = [joined] if joined else [user for user in _members(state) if user != self._bot]
        if not participants:
            return
        body: dict[str, Any] = {
            "platform": self._config.platform,
            "conversation": room_id,
            "participants": participants[:MAX_RECIPIENTS],
            "conversation_kind": _kind(state),
        }
        if self._config.language:
            body["language"] = self._config.language
        try:
            answer = await self._post("/api/v1/notice", body)
            text, new = answer.get("text"), answer.get("new")
            if not isinstance(text, str) or not text or not isinstance(new, list):
                raise Unreachable("/api/v1/notice: no text or no 'new' list")
        except Unreachable as error:
            logger.error("chatvault_synapse: %s", error)
            if joined is None and self._config.notice_fallback:
                await self._notice(room_id, self._config.notice_fallback, {"org.chatvault.notice": "fallback"})
            return
        if new or joined is None:
            await self._notice(room_id, clean(text, 8000), {"org.chatvault.notice": "archive"})

    # -- helpers -------------------------------------------------------------------------------

    async def _notice(self, room_id: str, body: str, extra: dict[str, Any]) -> None:
        content = {"msgtype": "m.notice", "body": body, **extra}
        await self._api.create_and_send_event_into_room(
            {"type": "m.room.message", "room_id": room_id, "sender": self._bot, "content": content}
        )

    async def _ensure_bot(self) -> None:
        if self._bot_ready:
            return
        # These return Deferreds made from Synapse coroutines, which keep the log context rules.
        if await self._api.check_user_exists(self._bot) is None:
            await self._api.register_user(self._config.notice_user, "ChatVault")
            logger.info("chatvault_synapse: registered the notice user %s", self._bot)
        await self._lift_rate_limits()
        self._bot_ready = True

    async def _lift_rate_limits(self) -> None:
        """The notice user joins every room: Synapse's join rate limit (10 at once by default) must
        not leave rooms without their notice. The module API has no call for the per-user override
        (a rate-limit module callback does not reach joins), so this sets what the admin API
        `POST /_synapse/admin/v1/users/<notice user>/override_ratelimit` sets."""
        store = getattr(self._api, "_store", None)
        setter = getattr(store, "set_ratelimit_for_user", None)
        try:
            if setter is None:
                raise AttributeError("this Synapse has no set_ratelimit_for_user")
            await setter(self._bot, 0, 0)
        except Exception as error:
            logger.warning(
                "chatvault_synapse: cannot lift rate limits for %s (%s); use the admin API "
                "override_ratelimit with messages_per_second 0 for it",
                self._bot,
                error,
            )


def _members(state: Mapping[tuple[str, str], Any]) -> list[str]:
    return sorted(
        key[1] for key, event in state.items() if key[0] == "m.room.member" and event.content.get("membership") == "join"
    )


def _kind(state: Mapping[tuple[str, str], Any]) -> str:
    for key, event in state.items():
        if key[0] == "m.room.member" and event.content.get("is_direct") is True:
            return "direct"
    return "group"


def _room_name(state: Mapping[tuple[str, str], Any]) -> str | None:
    event = state.get(("m.room.name", ""))
    name = event.content.get("name") if event is not None else None
    return clean(name, 256) if isinstance(name, str) and name else None


def _room_label(state: Mapping[tuple[str, str], Any], room_id: str) -> str:
    name = _room_name(state)
    return json.dumps(name, ensure_ascii=False) if name else room_id


def _display_name(state: Mapping[tuple[str, str], Any], user: str) -> str:
    event = state.get(("m.room.member", user))
    name = event.content.get("displayname") if event is not None else None
    return name if isinstance(name, str) and name else user


def _iso(milliseconds: Any) -> str:
    try:
        moment = datetime.fromtimestamp(int(milliseconds) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        moment = datetime.now(tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
