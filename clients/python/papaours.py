"""A client of papaoursd for Python services: standard library only, Python 3.9 or later.

    import papaours

    result = papaours.verify(secret, ip=remote_address)
    if result:                       # a Valid is true, an Invalid false
        print(result.name, result.roles)
    else:
        print("refused:", result.code)   # e.g. inactive-key

One connection per Client, opened on first use, reused by every request and reopened once
when papaoursd has closed it (VERIFY is safe to send twice). A Client may be shared by
threads: its requests are served one after the other. The line protocol is papaours-protocol(7).
"""

import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple, Union

__all__ = ["Client", "Valid", "Invalid", "Reply", "PapaoursError", "Unreachable", "Refused", "BadRequest",
           "ProtocolError", "verify", "quote", "parse_line", "DEFAULT_SOCKET", "VERIFY_CODES"]

DEFAULT_SOCKET = "/run/papaours/papaoursd.sock"
#: The NO codes of VERIFY that mean "this key is not good" (an answer, not an error).
VERIFY_CODES = ("malformed-key", "unknown-key", "inactive-key", "expired-key", "inactive-machine", "missing-right")
MAX_LINE = 8192            # a request line, LF included
MAX_REPLY_LINE = 1 << 20   # no reply line is longer
MAX_KEY_LENGTH = 256       # no well-formed key is longer


class PapaoursError(Exception):
    """papaoursd could not give an answer: `code` says why, `text` in English."""

    def __init__(self, code: str, text: str):
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


class Unreachable(PapaoursError):
    """No connection: no socket, nobody listening, permission denied, or a broken connection."""


class Refused(PapaoursError):
    """`NO <code> <text>` for anything but a key VERIFY judged (`forbidden`, `busy`…)."""


class BadRequest(PapaoursError):
    """`BAD <code> <text>`: papaoursd did not understand the request."""


class ProtocolError(PapaoursError):
    """What papaoursd sent is not the protocol."""


def _split(text: str) -> Tuple[str, ...]:
    """A comma-separated list of the protocol; empty means none."""
    return tuple(part for part in text.split(",") if part)


@dataclass(frozen=True)
class Valid:
    """A good key, and whose it is."""
    machine: str
    name: str
    key: str
    label: str
    organization: str
    roles: Tuple[str, ...]
    #: Every attribute of the reply, those above and any the server adds.
    attributes: Dict[str, str] = field(default_factory=dict, compare=False)
    valid = True

    @property
    def groups(self) -> Tuple[str, ...]:
        """The machine's groups (protocol 1.1; empty from a version-1 server)."""
        return _split(self.attributes.get("groups", ""))

    @property
    def rights(self) -> Tuple[str, ...]:
        """The machine's effective rights, such as contrats:read (protocol 1.1)."""
        return _split(self.attributes.get("rights", ""))

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class Invalid:
    """A key VERIFY refused: `code` is one of VERIFY_CODES, `text` papaoursd's English sentence."""
    code: str
    text: str
    valid = False

    def __bool__(self) -> bool:
        return False


VerifyResult = Union[Valid, Invalid]


@dataclass(frozen=True)
class Reply:
    """A final line: `status` is OK, NO or BAD; `code` and `text` for NO and BAD; `items` the data lines."""
    status: str
    attributes: Dict[str, str]
    code: str = ""
    text: str = ""
    items: Tuple[Tuple[str, Dict[str, str]], ...] = ()


def _is_control(ch: str) -> bool:
    return ord(ch) < 0x20 or ord(ch) == 0x7F


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def quote(value: str) -> str:
    """`value` as one token: a bare word when it can be one, else a quoted string.

    Raises ValueError for a control character other than LF, CR and TAB, which the protocol
    cannot carry."""
    for ch in value:
        if _is_control(ch) and ch not in "\n\r\t":
            raise ValueError(f"U+{ord(ch):04X} is a control character the protocol cannot carry")
    if value and not any(ch in ' "\\=' or _is_control(ch) for ch in value):
        return value
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in value) + '"'


def _attribute_name_end(line: str, start: int) -> int:
    """The index of `=` when an attribute name `[a-z][a-z0-9-]*` starts at `start`, else -1."""
    i = start
    if i >= len(line) or not ("a" <= line[i] <= "z"):
        return -1
    while i < len(line):
        ch = line[i]
        if ch == "=":
            return i
        if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-"):
            return -1
        i += 1
    return -1


def _quoted(line: str, start: int) -> Tuple[str, int]:
    out = []
    i = start + 1
    while i < len(line):
        ch = line[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\":
            if i + 1 >= len(line) or line[i + 1] not in _UNESCAPES:
                raise ProtocolError("syntax", f"bad escape at column {i + 1}")
            out.append(_UNESCAPES[line[i + 1]])
            i += 2
            continue
        if _is_control(ch):
            raise ProtocolError("syntax", f"raw control character at column {i + 1}")
        out.append(ch)
        i += 1
    raise ProtocolError("syntax", "unterminated quoted string")


def _word(line: str, i: int) -> Tuple[str, int]:
    start = i
    while i < len(line) and line[i] != " ":
        if line[i] in '"\\' or _is_control(line[i]):
            raise ProtocolError("syntax", f"unexpected character at column {i + 1}")
        i += 1
    return line[start:i], i


def parse_line(line: str) -> Tuple[str, List[str], Dict[str, str]]:
    """One reply line (without LF) as (first word, positional tokens, attributes)."""
    words: List[str] = []
    attributes: Dict[str, str] = {}
    i = 0
    while i < len(line):
        if line[i] == " ":
            i += 1
            continue
        equals = _attribute_name_end(line, i)
        if equals >= 0:
            name = line[i:equals]
            i = equals + 1
            value, i = _quoted(line, i) if i < len(line) and line[i] == '"' else _word(line, i)
            attributes[name] = value
        elif line[i] == '"':
            value, i = _quoted(line, i)
            words.append(value)
        else:
            value, i = _word(line, i)
            words.append(value)
        if i < len(line) and line[i] != " ":
            raise ProtocolError("syntax", f"a token ends at column {i + 1} without a space")
    if not words:
        raise ProtocolError("syntax", "an empty reply line")
    return words[0], words[1:], attributes


class _Broken(Exception):
    """The connection broke; `sent` is False when not one byte of the request was written."""

    def __init__(self, sent: bool):
        super().__init__()
        self.sent = sent


class Client:
    """A blocking client of papaoursd on its Unix socket (`path`, default $PAPAOURS_SOCKET or
    /run/papaours/papaoursd.sock). `timeout` bounds each wait for the socket, in seconds."""

    def __init__(self, path: Optional[str] = None, timeout: Optional[float] = 30.0):
        self.path = path or os.environ.get("PAPAOURS_SOCKET") or DEFAULT_SOCKET
        self.timeout = timeout
        self._lock = threading.Lock()
        self._sock: Optional[socket.socket] = None
        self._reader = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Closes the connection; the next request opens a new one."""
        with self._lock:
            self._drop()

    def verify(self, secret: str, ip: Optional[str] = None,
               require: Union[None, str, Iterable[str]] = None) -> VerifyResult:
        """Valid or Invalid for `secret`; `ip` is recorded with the use; `require` (protocol 1.1)
        names rights the key's machine must hold. Other refusals raise Refused."""
        if len(secret.encode("utf-8")) > MAX_KEY_LENGTH:
            return Invalid("malformed-key", f"the key is malformed: longer than {MAX_KEY_LENGTH} characters")
        if any(_is_control(ch) for ch in secret):
            return Invalid("malformed-key", "the key is malformed: it contains a control character")
        attributes = {}
        if ip is not None:
            attributes["ip"] = ip
        if require is not None:
            attributes["require"] = require if isinstance(require, str) else ",".join(require)
        reply = self.request("VERIFY", secret, **attributes)
        if reply.status == "NO" and reply.code in VERIFY_CODES:
            return Invalid(reply.code, reply.text)
        ok = self._checked(reply)
        try:
            roles = _split(ok["roles"])
            return Valid(ok["machine"], ok["name"], ok["key"], ok["label"], ok["organization"], roles, ok)
        except KeyError as missing:
            raise ProtocolError("protocol", f"VERIFY reply without {missing.args[0]}=") from None

    def ping(self) -> None:
        self._checked(self.request("PING"))

    def request(self, verb: str, *arguments: str, **attributes: str) -> Reply:
        """Sends one request and reads its whole reply. Attribute names take `_` for `-`."""
        parts = [verb] + [quote(a) for a in arguments]
        parts += [f"{name.replace('_', '-')}={quote(value)}" for name, value in attributes.items()]
        line = (" ".join(parts) + "\n").encode("utf-8")
        if len(line) > MAX_LINE:
            raise BadRequest("too-long", f"the request line is {len(line)} bytes; the limit is {MAX_LINE}")
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._exchange(line)
                except _Broken as broken:
                    self._drop()
                    # Sent again only when it certainly was not executed, or is harmless twice.
                    if attempt == 2 or (broken.sent and not self._retryable(verb)):
                        raise Unreachable("connection-lost",
                                          "the connection to papaoursd broke before its reply") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _retryable(verb: str) -> bool:
        return verb.upper() in ("VERIFY", "PING", "HELLO", "STATS", "MACHINE LIST", "MACHINE SHOW",
                                "KEY LIST", "KEY SHOW", "AUDIT", "USAGE", "ALERTS")

    @staticmethod
    def _checked(reply: Reply) -> Dict[str, str]:
        if reply.status == "NO":
            raise Refused(reply.code, reply.text)
        if reply.status == "BAD":
            raise BadRequest(reply.code, reply.text)
        return reply.attributes

    def _connect(self) -> None:
        if self._sock is not None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError as error:
            sock.close()
            raise Unreachable("cannot-connect", f"cannot reach papaoursd at {self.path}: {error.strerror or error}") from None
        self._sock = sock
        self._reader = sock.makefile("rb")

    def _drop(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._sock is not None:
            self._sock.close()
        self._sock = self._reader = None

    def _exchange(self, line: bytes) -> Reply:
        self._connect()
        try:
            self._sock.sendall(line)
        except (BrokenPipeError, ConnectionResetError):
            raise _Broken(sent=False) from None
        except socket.timeout:
            self._drop()
            raise Unreachable("timed-out", "papaoursd did not answer in time") from None
        items = []
        while True:
            text = self._read_line()
            first, _, after = text.partition(" ")
            if first in ("NO", "BAD"):
                # The text runs to the end of the line, as it is: it is not tokens.
                code, _, sentence = after.partition(" ")
                reply = Reply(first, {}, code, sentence, tuple(items))
                if first == "BAD" and code == "too-long" or first == "NO" and code == "busy":
                    self._drop()  # the server hangs up after these
                return reply
            kind, _, attributes = parse_line(text)
            if kind == "OK":
                return Reply("OK", attributes, items=tuple(items))
            items.append((kind, attributes))

    def _read_line(self) -> str:
        try:
            raw = self._reader.readline(MAX_REPLY_LINE + 1)
        except (ConnectionResetError, BrokenPipeError):
            raise _Broken(sent=True) from None
        except socket.timeout:
            self._drop()
            raise Unreachable("timed-out", "papaoursd did not answer in time") from None
        if not raw.endswith(b"\n"):
            if len(raw) > MAX_REPLY_LINE:
                raise ProtocolError("protocol", "a reply line is longer than 1 MiB")
            raise _Broken(sent=True)
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("protocol", "a reply line is not UTF-8") from None


_default_client: Optional[Client] = None
_default_lock = threading.Lock()


def verify(secret: str, ip: Optional[str] = None, require: Union[None, str, Iterable[str]] = None) -> VerifyResult:
    """`Client().verify(…)` on one Client the whole process shares (its connection reused)."""
    global _default_client
    with _default_lock:
        if _default_client is None:
            _default_client = Client()
        client = _default_client
    return client.verify(secret, ip=ip, require=require)
