"""Identity of agents and groups: inverse functional identifiers (xAPI Data 2.4.2.3)."""

import hashlib
import json
from functools import lru_cache

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def agent_ifi(agent: dict) -> str | None:
    """A canonical string for an Agent's or identified Group's IFI, None for anonymous groups."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    if "mbox_sha1sum" in agent:
        return "sha1:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    account = agent.get("account")
    if isinstance(account, dict):
        home_page, name = account.get("homePage"), account.get("name")
        if isinstance(home_page, str) and isinstance(name, str):
            return _account_ifi(home_page, name)
        return "account:" + json.dumps([home_page, name])
    return None


@lru_cache(maxsize=65536)
def _account_ifi(home_page: str, name: str) -> str:
    # Cached: the same few thousand learners come back in every batch.
    return "account:" + json.dumps([home_page, name])


def actor_ifis(actor: dict) -> list[str]:
    """The IFIs an agent filter matches on an actor: itself and, for groups, its members."""
    ifis = []
    ifi = agent_ifi(actor)
    if ifi:
        ifis.append(ifi)
    for member in actor.get("member") or ():
        member_ifi = agent_ifi(member)
        if member_ifi:
            ifis.append(member_ifi)
    return ifis


def authority_ifi(authority: dict | None) -> str | None:
    """One string naming an authority (an Agent, or the two-member OAuth Group)."""
    if not authority:
        return None
    ifi = agent_ifi(authority)
    if ifi is None:
        ifi = "group:" + "|".join(sorted(actor_ifis(authority)))
    if len(ifi) > 200:
        ifi = "#" + hashlib.sha256(ifi.encode()).hexdigest()
    return ifi


def identity_only(agent: dict) -> dict:
    """An agent reduced to objectType and IFI (format=ids, Communication 2.1.3)."""
    reduced = {key: agent[key] for key in IFI_KEYS if key in agent}
    if "objectType" in agent:
        reduced["objectType"] = agent["objectType"]
    if agent.get("objectType") == "Group" and agent_ifi(agent) is None:
        reduced["member"] = [identity_only(m) for m in agent.get("member", [])]
    return reduced
