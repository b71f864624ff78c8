"""The operator's SSH console: the command registry behind an SSH server (twisted.conch).

Who gets in:

* a public key listed in ``config.admin.ssh_authorized_keys``, whatever the SSH user
  name; the commands are logged under the key's comment (the operator's name);
* when ``config.admin.ssh_passwords`` is on, the user name and game password of an
  account with the admin level. A wrong password, an unknown name and a right password
  of a lesser account are refused alike, and failures are throttled as game logins are.

What they get: an interactive console (``m59> `` prompt, line editing and history on a
pty) or one command per exec request (``ssh -p 5960 host who``), whose exit status is 0
when the command ran and 1 when it answered with an error. Never a Python prompt.
"""

from emulator.admin.ssh.server import LOGIN_SECONDS, MAX_CONNECTIONS, ConsoleFactory, ConsoleService, console_service

__all__ = ["LOGIN_SECONDS", "MAX_CONNECTIONS", "ConsoleFactory", "ConsoleService", "console_service"]
