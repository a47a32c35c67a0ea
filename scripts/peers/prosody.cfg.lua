-- Template for the loopback-only Prosody 0.12 of the live XMPP capture tests.
-- start_prosody.sh renders it to $PEERS_DIR/prosody/prosody.cfg.lua (@PEERS_DIR@, @PROSODY_PORT@).
-- Everything this server writes lives under $PEERS_DIR/prosody.
local dir = "@PEERS_DIR@/prosody"

pidfile = dir.."/run/prosody.pid"
data_path = dir.."/data"
admin_socket = dir.."/run/admin.sock"
prosody_user = "prosody"
prosody_group = "prosody"

-- Loopback only, on a port that never clashes with a system instance.
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { @PROSODY_PORT@ }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_disabled = { "s2s" }

modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "carbons"; "ping"; "time"; "version";
  "mam";            -- XEP-0313: every 1:1 message archived for both participants
}

authentication = "internal_hashed"   -- SCRAM-SHA-1 and PLAIN (over TLS)
c2s_require_encryption = true
certificates = dir.."/certs"

storage = "sql"
sql = { driver = "SQLite3", database = dir.."/data/prosody.sqlite" }

default_archive_policy = true
archive_expires_after = "never"
max_archive_query_results = 250
-- tests send bursts from one client
limits = { c2s = { rate = "1mb/s"; burst = "4s" } }

log = {
  info = dir.."/log/prosody.log";
  error = dir.."/log/prosody.err";
}

VirtualHost "localhost"

Component "conference.localhost" "muc"
  modules_enabled = { "muc_mam" }
  -- a non-persistent room's archive goes when its last occupant leaves
  muc_room_default_persistent = true
  muc_room_default_public_jids = true
  muc_log_by_default = true
  muc_log_all_rooms = true
  muc_log_expires_after = "never"
