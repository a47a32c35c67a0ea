-- Template for the second loopback Prosody, the one that polices messages through ChatVault
-- (integrations/prosody/mod_chatvault.lua). start_prosody_gateway.sh renders it to
-- $PEERS_DIR/prosody-gateway/prosody.cfg.lua, filling in the directory, the c2s port, the
-- ChatVault URL and the fail mode. Everything this server writes lives under that directory.
local dir = "@DIR@"

pidfile = dir.."/run/prosody.pid"
data_path = dir.."/data"
admin_socket = dir.."/run/admin.sock"
prosody_user = "prosody"
prosody_group = "prosody"
plugin_paths = { dir.."/plugins" }

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { @PORT@ }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_disabled = { "s2s" }

modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping";
  "chatvault";      -- one-to-one chat of this host's users
}

authentication = "internal_hashed"
c2s_require_encryption = true
certificates = dir.."/certs"
storage = "internal"
limits = { c2s = { rate = "1mb/s"; burst = "4s" } }

chatvault_url = "@CHATVAULT_URL@"
chatvault_token_file = dir.."/chatvault.token"
chatvault_timeout = 3
chatvault_fail_mode = "@FAIL_MODE@"

log = {
  debug = dir.."/log/prosody.log";
  error = dir.."/log/prosody.err";
}

VirtualHost "localhost"

Component "conference.localhost" "muc"
  modules_enabled = { "chatvault" }  -- group chat: every room of this component
  muc_room_default_public_jids = true
  muc_room_locking = false           -- a new room is usable at once
