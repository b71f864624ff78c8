"""Login-mode (AP_*) messages in both directions.

A connection is in login mode from the moment it is accepted until the server sends
``AP_GAME``, and again after a game-mode quit. Every opcode of :class:`AP` is declared
here in each direction: either with a body schema, or as a gap with the reason.

Authorities (upstream Meridian 59 sources; facts only):

* client-to-server layouts: the client's login send table (``clientd3d/protocol.c``,
  ``login_msg_table``) and the server parser ``blakserv/synched.c``
  (``SynchedProtocolParse``), which reads fields in the same order;
* server-to-client layouts: what ``blakserv/synched.c`` writes (``VerifyLogin``,
  ``SynchedDoMenu``, ``SynchedSendMenuChoice``, ``SynchedGotoGame``) and the length checks
  of the client's login handlers (``clientd3d/server.c``, ``login_handler_table``).

The server tolerates bytes after the last field it reads; these schemas do not, so the
codec flags anything a real client would never send.
"""

from __future__ import annotations

from construct import Array, Int8ul, Int16ul, Int32ul, PrefixedArray, Struct, this

from protocol_specs.common import Digest, String
from protocol_specs.opcodes import AP
from protocol_specs.registry import C2S, LOGIN, S2C, define, gap


# ---------------------------------------------------------------------------------------
# Client to server
# ---------------------------------------------------------------------------------------

#: AP_LOGIN: version, 36 bytes of machine description (only logged by the server), the
#: account name and the 16-byte password digest (MD5 with every 0x00 byte made 0x01).
#: Parsed by ``SynchedProtocolParse``; fixed part is 38 bytes after the opcode.
LoginRequest = Struct(
    "major_version" / Int8ul,
    "minor_version" / Int8ul,
    "os_platform" / Int32ul,
    "os_major" / Int32ul,
    "os_minor" / Int32ul,
    "memory" / Int32ul,
    "cpu" / Int32ul,  # low 16 bits processor type, high 16 bits a client checksum
    "screen_width" / Int16ul,
    "screen_height" / Int16ul,
    "display_modes" / Int32ul,  # client: colour depth; server: displays possible
    "bandwidth" / Int32ul,
    "reserved" / Int32ul,  # low byte bits per pixel, next byte partner code
    "account" / String,
    "password" / Digest,
)
define(LOGIN, C2S, AP.AP_LOGIN, LoginRequest, note="synched.c SynchedProtocolParse / SynchedAcceptLogin")

#: AP_REQ_GAME: the client asks to enter game mode. ``encoded_version`` is
#: (major*100+minor)*3+3; blakserv reads it but never checks it.
GameRequest = Struct(
    "last_download_time" / Int32ul,
    "encoded_version" / Int32ul,
    "hostname" / String,
)
define(LOGIN, C2S, AP.AP_REQ_GAME, GameRequest, note="synched.c SynchedProtocolParse -> SynchedGotoGame")

#: AP_REGISTER / AP_ADMINNOTE: one string the server appends to a text file, no reply.
define(LOGIN, C2S, AP.AP_REGISTER, Struct("text" / String), note="synched.c: appended to the registration file")
define(LOGIN, C2S, AP.AP_ADMINNOTE, Struct("text" / String), note="synched.c: appended to the admin notes file")

# Opcode-only requests of the client's login table.
define(LOGIN, C2S, AP.AP_PING, None, note="keep-alive while downloading; no reply, resets the idle timer")
define(LOGIN, C2S, AP.AP_REQ_ADMIN, None, note="admin accounts get AP_ADMIN and a text console; others ignored")
define(LOGIN, C2S, AP.AP_RESYNC, None, note="server enters its beacon-scan resync state; no reply")
define(LOGIN, C2S, AP.AP_REQ_MENU, None, note="server answers AP_GETCHOICE (new seeds) + AP_CREDITS")
define(LOGIN, C2S, AP.AP_GETRESOURCE, None, note="in the client's table; blakserv logs 'invalid packet', no reply")
define(LOGIN, C2S, AP.AP_GETALL, None, note="in the client's table; blakserv logs 'invalid packet', no reply")
define(LOGIN, C2S, AP.AP_UPLOAD, None, note="in the client's table; blakserv logs 'invalid packet', no reply")

gap(
    LOGIN,
    C2S,
    AP.AP_GETCLIENT,
    "absent from the client's login send table, so no client sends it; blakserv only logs "
    "'no longer supported' (it is a server-to-client message)",
)

# ---------------------------------------------------------------------------------------
# Server to client
# ---------------------------------------------------------------------------------------

define(LOGIN, S2C, AP.AP_GETLOGIN, None, note="first frame of every connection; client answers AP_LOGIN")

#: AP_GETCHOICE: the main menu; five u32 seeds for the c2s security stream of game mode.
define(
    LOGIN,
    S2C,
    AP.AP_GETCHOICE,
    Struct("seeds" / Int32ul[5]),
    note="synched.c SynchedSendMenuChoice; client answers AP_REQ_GAME",
)

#: AP_LOGINOK: account type (0 normal, 1 admin, 2 DM, 3 guest on the server side).
define(LOGIN, S2C, AP.AP_LOGINOK, Struct("account_type" / Int8ul), note="synched.c VerifyLogin")
define(LOGIN, S2C, AP.AP_LOGINFAILED, None, note="wrong name or password; connection stays open")
define(LOGIN, S2C, AP.AP_GAME, None, note="switches both sides to game mode")
define(LOGIN, S2C, AP.AP_ADMIN, None, note="session becomes a raw-text admin console")
define(LOGIN, S2C, AP.AP_ACCOUNTUSED, None)
define(LOGIN, S2C, AP.AP_TOOMANYLOGINS, None, note="sent before the server hangs up")
define(LOGIN, S2C, AP.AP_TIMEOUT, None, note="sent before the server hangs up")
define(LOGIN, S2C, AP.AP_CREDITS, Struct("credits" / Int32ul), note="synched.c SynchedDoMenu (always 20); client ignores it")
define(LOGIN, S2C, AP.AP_NOCREDITS, None)
define(LOGIN, S2C, AP.AP_RESYNC, None, note="client starts sending beacons")
define(LOGIN, S2C, AP.AP_DELETEALLRSC, None)
define(LOGIN, S2C, AP.AP_NOCHARACTERS, None, note="answer to AP_REQ_GAME for an account without characters")

#: AP_MESSAGE: text box; action 0 = LA_NOTHING (client then asks for the game again),
#: 1 = LA_LOGOFF (client disconnects).
define(
    LOGIN,
    S2C,
    AP.AP_MESSAGE,
    Struct("text" / String, "action" / Int8ul),
    note="synched.c SendSynchedMessage",
)

#: AP_GETCLIENT: where to fetch a newer client (sent when the version is below MinVersion).
define(
    LOGIN,
    S2C,
    AP.AP_GETCLIENT,
    Struct("host" / String, "filename" / String),
    note="synched.c VerifyLogin",
)

DownloadFile = Struct(
    "time" / Int32ul,
    "flags" / Int32ul,  # DF_* bits
    "size" / Int32ul,
    "filename" / String,
)

#: AP_DOWNLOAD: update packages to fetch out of band; the count comes first, the files last.
Download = Struct(
    "count" / Int16ul,
    "machine" / String,
    "path" / String,
    "reason" / String,
    "demo_path" / String,
    "files" / Array(this.count, DownloadFile),
)
define(LOGIN, S2C, AP.AP_DOWNLOAD, Download, note="synched.c SynchedGotoGame / SynchedSendDLFileInfo")

#: AP_DELETERSC: resource files the client should delete.
define(
    LOGIN,
    S2C,
    AP.AP_DELETERSC,
    Struct("filenames" / PrefixedArray(Int16ul, String)),
    note="client server.c login handler",
)

#: AP_SERVICEREPORT: FTP details for a service report; the stock client has no handler.
define(
    LOGIN,
    S2C,
    AP.AP_SERVICEREPORT,
    Struct("machine" / String, "directory" / String, "username" / String, "password" / String),
    note="synched.c SynchedGotoGame, only with [Service] Enabled; client ignores it",
)

gap(
    LOGIN,
    S2C,
    AP.AP_GUEST,
    "never sent by blakserv and no client handler (guest accounts were removed)",
)
gap(LOGIN, S2C, AP.AP_UPLOAD, "client-to-server only; blakserv never sends it and the client has no handler")

# Client-to-server opcodes have no server-to-client form.
for _op in (
    AP.AP_PING,
    AP.AP_LOGIN,
    AP.AP_REGISTER,
    AP.AP_REQ_GAME,
    AP.AP_REQ_ADMIN,
    AP.AP_GETRESOURCE,
    AP.AP_GETALL,
    AP.AP_REQ_MENU,
    AP.AP_ADMINNOTE,
):
    gap(LOGIN, S2C, _op, "client-to-server only; blakserv never sends it")

# Server-to-client opcodes have no client-to-server form.
for _op in (
    AP.AP_GETLOGIN,
    AP.AP_GETCHOICE,
    AP.AP_LOGINOK,
    AP.AP_LOGINFAILED,
    AP.AP_GAME,
    AP.AP_ADMIN,
    AP.AP_ACCOUNTUSED,
    AP.AP_TOOMANYLOGINS,
    AP.AP_TIMEOUT,
    AP.AP_CREDITS,
    AP.AP_DOWNLOAD,
    AP.AP_NOCREDITS,
    AP.AP_MESSAGE,
    AP.AP_DELETERSC,
    AP.AP_DELETEALLRSC,
    AP.AP_NOCHARACTERS,
    AP.AP_GUEST,
    AP.AP_SERVICEREPORT,
):
    gap(LOGIN, C2S, _op, "server-to-client only: absent from the client's login send table; blakserv logs it as invalid")
del _op
