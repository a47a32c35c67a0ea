-- mod_chatvault: ChatVault's policy gateway for Prosody 0.12+.
--
-- Every chat, normal and groupchat message with a body is sent to ChatVault's decision API
-- (POST /api/v1/decide) before it is delivered; ChatVault archives it and answers
--   allow  -> delivered unchanged
--   warn   -> delivered unchanged, the sender gets the policy tip from the server
--   redact -> delivered with ChatVault's redacted text in place of the body
--   block  -> dropped; the sender gets an error stanza (modify/policy-violation) with the tip
-- The archive notice (POST /api/v1/notice) goes to both people on the first message between
-- them, and to each occupant who joins a room.
--
-- Load it on each VirtualHost (one-to-one chat from local users) and on each MUC component
-- (group chat; the room, not the sender's host, decides there). See README.md for the options.
--
-- The HTTP calls use net.http inside the session's util.async runner: the handler waits for
-- ChatVault without blocking the server. A call that fails, times out or answers anything but a
-- well-formed 200 is "ChatVault unreachable" and chatvault_fail_mode decides.

local async = require "util.async";
local http = require "net.http";
local json = require "util.json";
local st = require "util.stanza";
local jid = require "util.jid";
local uuid = require "util.uuid";
local datetime = require "util.datetime";
local cache = require "util.cache";

local host_type = module:get_host_type();
local is_muc = module:get_option_string("component_module") == "muc";

-- Configuration, validated at load: a bad option stops the module from loading.

local function config_error(message)
	module:log("error", "mod_chatvault: %s", message);
	error("mod_chatvault: " .. message, 0);
end

local base_url = module:get_option_string("chatvault_url");
if not base_url or base_url == "" then
	config_error("chatvault_url is required (e.g. \"http://127.0.0.1:8080\")");
end
base_url = base_url:gsub("/+$", "");
if not base_url:match("^https?://[^/%s]+[^%s]*$") then
	config_error("chatvault_url must be an http:// or https:// URL, got " .. base_url);
end

local token = module:get_option_string("chatvault_token");
local token_file = module:get_option_string("chatvault_token_file");
if token and token_file then
	config_error("set chatvault_token or chatvault_token_file, not both");
end
if token_file then
	local file, err = io.open(token_file, "r");
	if not file then
		config_error("cannot read chatvault_token_file: " .. tostring(err));
	end
	token = file:read("*a");
	file:close();
end
token = token and token:match("^%s*(.-)%s*$");
if not token or token == "" then
	config_error("chatvault_token (or chatvault_token_file) is required: a token with the gateway role");
end
if token:find("[%c%s]") then
	config_error("the ChatVault token must be one word without spaces or control characters");
end

local timeout = module:get_option_number("chatvault_timeout", 5);
if timeout <= 0 or timeout > 60 then
	config_error("chatvault_timeout must be between 0 and 60 seconds, got " .. tostring(timeout));
end

local fail_mode = module:get_option_string("chatvault_fail_mode", "closed");
if fail_mode ~= "closed" and fail_mode ~= "open" then
	config_error("chatvault_fail_mode must be \"closed\" or \"open\", got " .. tostring(fail_mode));
end

local platform = module:get_option_string("chatvault_platform", "xmpp");
local language = module:get_option_string("chatvault_language");
local max_body = module:get_option_number("chatvault_max_body", 65536);
if max_body < 1 or max_body ~= math.floor(max_body) then
	config_error("chatvault_max_body must be a whole number of bytes, got " .. tostring(max_body));
end
local max_response = 4 * max_body + 65536;
local max_recipients = 500;
local notice_from = module:get_option_string("chatvault_notice_from", module.host);

local UNREACHABLE = "ChatVault archive unreachable: message not sent";
local JOIN_UNREACHABLE = "ChatVault archive unreachable: you cannot join this room now";
local TOO_LARGE = "Message too large for the compliance archive: message not sent";
local DEFAULT_TIP = "This message breaks the communication policy.";

local xhtml_im = "http://jabber.org/protocol/xhtml-im";
local xmlns_correct = "urn:xmpp:message-correct:0";
local xmlns_retract = "urn:xmpp:message-retract:1";

module:log("info", "ChatVault gateway at %s (fail mode %s, timeout %gs)", base_url, fail_mode, timeout);

-- HTTP

local function summary(text)
	text = tostring(text or ""):gsub("%c", " ");
	return #text > 200 and text:sub(1, 200) .. "…" or text;
end

-- POSTs `payload` to `path` and waits (async) for the answer: the decoded JSON object, or nil
-- and a reason. Must run in an async context.
local function post(path, payload)
	if not async.ready() then
		return nil, "not in an async context";
	end
	local body = json.encode(payload);
	local wait, done = async.waiter(1, true);
	local finished, answer, code = false, nil, nil;
	local request;
	local function finish(b, c)
		if finished then return; end
		finished, answer, code = true, b, c;
		done();
	end
	local timer = module:add_timer(timeout, function()
		if finished then return; end
		finish("timeout after " .. timeout .. " s", 0);
		if request and request.cancel then request:cancel("timeout"); end
	end);
	request = http.request(base_url .. path, {
		method = "POST";
		body = body;
		headers = {
			["Authorization"] = "Bearer " .. token;
			["Content-Type"] = "application/json";
			["Accept"] = "application/json";
			["X-ChatVault-Fail-Mode"] = fail_mode;
		};
		suppress_errors = true;
	}, finish);
	wait();
	timer:stop();
	if code ~= 200 then
		return nil, code == 0 and tostring(answer) or ("HTTP " .. tostring(code) .. ": " .. summary(answer));
	end
	if type(answer) ~= "string" or #answer > max_response then
		return nil, "oversized answer";
	end
	local object = json.decode(answer);
	if type(object) ~= "table" then
		return nil, "answer is not a JSON object";
	end
	return object;
end

-- Messages

-- The text of every <body> (several xml:lang bodies are all read: each is what someone sees).
local function bodies_of(stanza)
	local texts = {};
	for tag in stanza:childtags() do
		if tag.name == "body" and (tag.attr.xmlns == nil or tag.attr.xmlns == "jabber:client") then
			texts[#texts + 1] = tag:get_text() or "";
		end
	end
	if #texts == 0 then return nil; end
	return table.concat(texts, "\n");
end

-- Replaces every body with `text` and drops rich-text copies of the body, which would carry
-- the unredacted words past the redaction.
local function replace_body(stanza, text)
	stanza:maptags(function(tag)
		if tag.name == "body" and (tag.attr.xmlns == nil or tag.attr.xmlns == "jabber:client") then
			return nil;
		end
		if tag.name == "html" and tag.attr.xmlns == xhtml_im then
			return nil;
		end
		return tag;
	end);
	stanza:text_tag("body", text);
end

local function strip_rich_text(stanza)
	stanza:maptags(function(tag)
		if tag.name == "html" and tag.attr.xmlns == xhtml_im then return nil; end
		return tag;
	end);
end

-- The archive id of a message: SENDER/STANZA-ID, as `chatvault capture xmpp` builds it. A stanza
-- without an id gets one; an absurdly long client id is replaced in the archive id only.
local function archive_id(key, stanza)
	if not stanza.attr.id or stanza.attr.id == "" then
		stanza.attr.id = uuid.generate();
	end
	local id = stanza.attr.id;
	if #id > 256 then id = uuid.generate(); end
	return key .. "/" .. id;
end

-- An XEP-0308 correction is an edit of the message it names (capture files it the same way).
local function mark_correction(message, key, stanza)
	local replace = stanza:get_child("replace", xmlns_correct);
	local target = replace and replace.attr.id;
	if target and target ~= "" and #target <= 256 then
		message.kind = "edit";
		message.target = key .. "/" .. target;
	end
	return message;
end

-- An XEP-0424 retraction says nothing itself: its fallback body is dropped rather than
-- decided, so no words ride on it past ChatVault.
local function strip_retraction(stanza)
	if not stanza:get_child("retract", xmlns_retract) then return false; end
	stanza:maptags(function(tag)
		if tag.name == "body" and (tag.attr.xmlns == nil or tag.attr.xmlns == "jabber:client") then return nil; end
		if tag.name == "html" and tag.attr.xmlns == xhtml_im then return nil; end
		return tag;
	end);
	return true;
end

local function now()
	return datetime.datetime(os.time());
end

local function server_message(to, text)
	module:send(st.message({ from = notice_from, to = to, type = "normal", id = uuid.generate() }):text_tag("body", text));
end

local function valid_decision(answer)
	local decision = answer.decision;
	if decision ~= "allow" and decision ~= "warn" and decision ~= "redact" and decision ~= "block" then
		return nil, "unknown decision " .. summary(decision);
	end
	if decision == "redact" and type(answer.text) ~= "string" then
		return nil, "a redact decision without text";
	end
	return decision;
end

-- Asks ChatVault about one message and applies the answer to `stanza` in place.
-- Returns true when the message must not be delivered (the sender has been answered).
-- `reply` sends an error stanza to the sender, `tip_to` is where a warning tip goes.
local function decide(message, stanza, reply, tip_to)
	local answer, err = post("/api/v1/decide", message);
	local decision;
	if answer then
		decision, err = valid_decision(answer);
	end
	if not decision then
		if fail_mode == "open" then
			module:log("warn", "ChatVault unreachable (%s): delivering %s in %s unchecked (fail mode open)",
				err, message.id, message.conversation);
			strip_rich_text(stanza);
			return false;
		end
		module:log("warn", "ChatVault unreachable (%s): refusing %s in %s (fail mode closed)",
			err, message.id, message.conversation);
		reply("cancel", "service-unavailable", UNREACHABLE);
		return true;
	end
	local tip = type(answer.tip) == "string" and answer.tip ~= "" and answer.tip or nil;
	module:log("debug", "ChatVault: %s for %s in %s", decision, message.id, message.conversation);
	if decision == "block" then
		reply("modify", "policy-violation", tip or DEFAULT_TIP);
		return true;
	end
	if decision == "redact" then
		replace_body(stanza, answer.text);
	else
		strip_rich_text(stanza);
	end
	if tip and (decision == "warn" or decision == "redact") then
		server_message(tip_to, tip);
	end
	return false;
end

-- One-to-one: pre-message events on the sender's VirtualHost.

local notified = cache.new(10000);

local function local_component_polices(host)
	local h = prosody.hosts[host];
	return h and h.type == "component" and h.modules and h.modules.chatvault ~= nil;
end

-- The archive notice for a pair of people, once per pair (ChatVault records who saw it).
-- Returns false when ChatVault could not be asked and the fail mode is closed.
local function notice_pair(conversation, a, b)
	if notified:get(conversation) then return true; end
	local answer, err = post("/api/v1/notice", {
		platform = platform;
		conversation = conversation;
		participants = { a, b };
		conversation_kind = "direct";
		language = language;
	});
	if not answer or type(answer.text) ~= "string" then
		err = err or "no notice text";
		if fail_mode == "open" then
			module:log("warn", "ChatVault notice failed (%s) for %s (fail mode open)", err, conversation);
			return true;
		end
		module:log("warn", "ChatVault notice failed (%s) for %s (fail mode closed)", err, conversation);
		return false;
	end
	notified:set(conversation, true);
	if type(answer.new) == "table" and #answer.new > 0 then
		server_message(a, answer.text);
		server_message(b, answer.text);
	end
	return true;
end

local function police_outgoing(event)
	local origin, stanza = event.origin, event.stanza;
	local kind = stanza.attr.type or "normal";
	if kind ~= "chat" and kind ~= "normal" and kind ~= "groupchat" then return; end
	if origin.type ~= "c2s" or not origin.username or event.to_self then return; end
	local to = stanza.attr.to;
	local to_bare = to and jid.bare(to);
	if not to_bare then return; end
	local _, to_host, to_resource = jid.split(to);
	-- Rooms on a MUC component that loads this module are policed by the room.
	if kind == "groupchat" and local_component_polices(to_host) then return; end
	local sender = origin.username .. "@" .. origin.host;
	if strip_retraction(stanza) then return; end
	local text = bodies_of(stanza);
	if not text then return; end
	if to_bare == sender then return; end
	local reply = function(condition_type, condition, message)
		origin.send(st.error_reply(stanza, condition_type, condition, message));
	end
	if #text > max_body then
		reply("modify", "policy-violation", TOO_LARGE);
		return true;
	end
	local message = {
		platform = platform;
		id = archive_id(sender, stanza);
		sender = sender;
		sent_at = now();
		text = text;
	};
	if kind == "groupchat" then
		-- a room elsewhere (remote, or a MUC without this module): the room is the conversation
		message.conversation = to_bare;
		message.conversation_kind = "channel";
	else
		-- a private message inside a room goes to an occupant (room@muc/nick), not to a person
		local target = prosody.hosts[to_host];
		local peer = (to_resource and target and target.type == "component") and to or to_bare;
		local pair = { sender, peer };
		table.sort(pair);
		message.conversation = table.concat(pair, ",");
		message.conversation_kind = "direct";
		message.recipients = { peer };
		if not notice_pair(message.conversation, sender, peer) then
			reply("cancel", "service-unavailable", UNREACHABLE);
			return true;
		end
	end
	return decide(mark_correction(message, sender, stanza), stanza, reply, origin.full_jid);
end

if host_type == "local" then
	module:hook("pre-message/bare", police_outgoing, 10);
	module:hook("pre-message/full", police_outgoing, 10);
end

-- Group chat: MUC events on the component, for every occupant.

if is_muc then
	local joined_notices = {};

	-- Below the room's own checks (a visitor or non-occupant is refused first, at 50).
	module:hook("muc-occupant-groupchat", function(event)
		local stanza, room = event.stanza, event.room;
		if stanza:get_child("subject") and not stanza:get_child("body") then return; end
		if strip_retraction(stanza) then return; end
		local text = bodies_of(stanza);
		if not text then return; end
		local real = stanza.attr.from;
		local sender = jid.bare(real);
		local occupant = event.occupant;
		local reply = function(condition_type, condition, message)
			module:send(st.error_reply(stanza, condition_type, condition, message));
		end
		if #text > max_body then
			reply("modify", "policy-violation", TOO_LARGE);
			return true;
		end
		local recipients = {};
		for _, other in room:each_occupant() do
			if #recipients >= max_recipients then break; end
			local bare = other.bare_jid;
			if bare and bare ~= sender then recipients[#recipients + 1] = bare; end
		end
		local nick = occupant and select(3, jid.split(occupant.nick)) or nil;
		local message = {
			platform = platform;
			conversation = room.jid;
			conversation_kind = "channel";
			conversation_name = room:get_name();
			id = archive_id(nick or sender, stanza);
			sender = { id = sender; name = nick };
			sent_at = now();
			text = text;
			recipients = #recipients > 0 and recipients or nil;
		};
		return decide(mark_correction(message, nick or sender, stanza), stanza, reply, real);
	end, 20);

	-- Ask for the notice before the occupant is in (fail closed keeps them out), show it once in.
	module:hook("muc-occupant-pre-join", function(event)
		local stanza, room = event.stanza, event.room;
		local real = stanza.attr.from;
		local answer, err = post("/api/v1/notice", {
			platform = platform;
			conversation = room.jid;
			participants = { jid.bare(real) };
			conversation_kind = "channel";
			language = language;
		});
		if answer and type(answer.text) == "string" then
			joined_notices[real .. " " .. room.jid] = answer.text;
			return;
		end
		err = err or "no notice text";
		if fail_mode == "open" then
			module:log("warn", "ChatVault notice failed (%s) for %s joining %s (fail mode open)", err, real, room.jid);
			return;
		end
		module:log("warn", "ChatVault notice failed (%s): %s kept out of %s (fail mode closed)", err, real, room.jid);
		event.origin.send(st.error_reply(stanza, "cancel", "service-unavailable", JOIN_UNREACHABLE));
		return true;
	end, -100);

	module:hook("muc-occupant-joined", function(event)
		local real = event.stanza.attr.from;
		local key = real .. " " .. event.room.jid;
		local text = joined_notices[key];
		joined_notices[key] = nil;
		if not text then return; end
		-- A groupchat message from the room itself, to the joining occupant only: clients show
		-- it in the room's window as a room message; the room's history and archive stay clean.
		module:send(st.message({ from = event.room.jid, to = real, type = "groupchat", id = uuid.generate() })
			:text_tag("body", text));
	end, -10);
end
