"""Hosts as Linux network namespaces on one bridge: a private 10.77.x.0/24 reachable only inside this machine.

The root namespace holds the bridge address (.1), where the test's PostgreSQL cluster and SMTP sink listen;
each host gets its own namespace, a veth pair into the bridge, an address (.11, .12, ...) and, through
`unshare --uts`, its own hostname, so that a lease holder written on one host is a stranger on another.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

NOBODY = "02:00:5e:00:de:ad"  # a locally administered MAC address no interface of the test network has
PREFIX = "10.77"  # 10.77.N.0/24 for a free N: nothing outside this machine routes to it


def missing_requirement() -> str | None:
    """Why namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "needs root (ip netns add)"
    for tool in ("ip", "unshare"):
        if shutil.which(tool) is None:
            return f"needs the {tool!r} command"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def free_subnet() -> str:
    """10.77.N with no address of this machine in it (two test runs at once get two networks)."""
    shown = subprocess.run(["ip", "-o", "-4", "addr"], check=True, capture_output=True, text=True).stdout
    used = {int(n) for n in re.findall(rf"inet {re.escape(PREFIX)}\.(\d+)\.", shown)}
    return f"{PREFIX}.{min(set(range(256)) - used)}"


@dataclass
class Network:
    """A bridge in the root namespace and one namespace per host; `close()` removes them all."""

    subnet: str = field(default_factory=free_subnet)
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:5])
    hosts: dict[str, str] = field(default_factory=dict)  # host name -> address

    @property
    def bridge(self) -> str:
        return f"pwbr{self.tag}"

    @property
    def root_address(self) -> str:
        """The root namespace's side of the bridge: where the shared services listen."""
        return f"{self.subnet}.1"

    @property
    def client_address(self) -> str:
        """A second root-side address, for the test's own HTTP clients: a host cut off from the services
        at `root_address` (`black_hole`) still answers requests that come from here."""
        return f"{self.subnet}.2"

    def open(self) -> Network:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.root_address}/24", "dev", self.bridge)
        _ip("addr", "add", f"{self.client_address}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        return self

    def black_hole(self, host: str, address: str) -> None:
        """From now on `host` sends its packets for `address` to a link-layer address nobody has: they are
        dropped without an answer (no RST, no ICMP), as when a peer vanishes from the network."""
        _ip(
            "-n", self.namespace(host), "neigh", "replace", address, "lladdr", NOBODY, "dev", "eth0", "nud", "permanent"
        )

    def mend(self, host: str, address: str) -> None:
        """Undo `black_hole`: `host` asks for `address` by ARP again."""
        _ip("-n", self.namespace(host), "neigh", "del", address, "dev", "eth0")

    def namespace(self, host: str) -> str:
        return f"pw{self.tag}-{host}"

    def add_host(self, host: str) -> str:
        """A namespace for `host` on the bridge; returns its address."""
        number = 11 + len(self.hosts)
        address, namespace, veth = f"{self.subnet}.{number}", self.namespace(host), f"pwv{self.tag}{number}"
        _ip("netns", "add", namespace)
        _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        _ip("link", "set", veth, "master", self.bridge, "up")
        _ip("-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
        _ip("-n", namespace, "link", "set", "eth0", "up")
        _ip("-n", namespace, "link", "set", "lo", "up")
        self.hosts[host] = address
        return address

    def spawn(
        self, host: str, argv: Sequence[str], env: Mapping[str, str], log: IO[bytes] | None = None
    ) -> subprocess.Popen[bytes]:
        """Start `argv` on `host` (its namespace and hostname). `ip netns exec`, `unshare` and `sh` all exec,
        so the returned process's pid is the command's own: kill -9 on it kills the host's program."""
        command = [
            "ip", "netns", "exec", self.namespace(host),
            "unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host, *argv,
        ]  # fmt: skip
        return subprocess.Popen(command, env=dict(env), stdout=log, stderr=subprocess.STDOUT if log else None)

    def close(self) -> None:
        for host in list(self.hosts):
            subprocess.run(["ip", "netns", "del", self.namespace(host)], check=False, capture_output=True)
            del self.hosts[host]
        subprocess.run(["ip", "link", "del", self.bridge], check=False, capture_output=True)
