"""CJM2xx flow: every touchpoint can be reached, and every path goes somewhere."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey, Touchpoint
from cjmap.rules.metrics import SHARE_SLACK
from cjmap.rules.registry import Context, Finding, rule

# A branch is the fallback when it has no condition, starts with "otherwise"/"else",
# or states the negative case ("never opened it", "leaves without booking").
_FALLBACK = re.compile(
    r"^\s*(otherwise|else)\b|\b(never|not|no|without|nothing|none|neither|nor)\b|n't\b", re.IGNORECASE
)


def _successors(journey: Journey) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {tp.id: [] for tp in journey.touchpoints}
    for edge in journey.edges:
        result[edge.source].append(edge.target)
    return result


def reachable(journey: Journey) -> set[str]:
    """Touchpoint ids some path reaches from a start: the first touchpoint, or a persona's own start."""
    successors = _successors(journey)
    seen = {start for start in journey.starts if start in successors}
    stack = list(seen)
    while stack:
        for target in successors[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def strongly_connected(journey: Journey) -> list[list[str]]:
    """Tarjan's components, iteratively (a 1,000-touchpoint chain must not hit the recursion limit)."""
    successors = _successors(journey)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in successors:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = successors[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


@rule("CJM201", "unreachable-touchpoint", Severity.ERROR)
def unreachable_touchpoint(journey: Journey, context: Context) -> Iterator[Finding]:
    """No path from the journey's start reaches a touchpoint.

    The journey starts at the first touchpoint in the file, and at every
    persona's `starts`, and follows `next` (or file order, unless the map says
    `flow: explicit`). A touchpoint no path reaches is drawn on the map but no
    customer ever gets there: link to it from where customers come from.

    Fails:

        touchpoints:
          - {id: ad, name: Sees an ad, next: [buy]}
          - {id: forum, name: Asks in a forum}
          - {id: buy, name: Buys}

    Passes:

        touchpoints:
          - {id: ad, name: Sees an ad, next: [{to: buy, when: convinced}, {to: forum, when: otherwise}]}
          - {id: forum, name: Asks in a forum}
          - {id: buy, name: Buys}
    """
    seen = reachable(journey)
    for tp in journey.touchpoints:
        if tp.id not in seen:
            yield Finding(tp.where, f"touchpoint '{tp.id}' cannot be reached from the start of the journey")


@rule("CJM202", "dead-end", Severity.WARNING)
def dead_end(journey: Journey, context: Context) -> Iterator[Finding]:
    """The flow stops before the end, and the map does not say why.

    `next: []` means the customer leaves the journey here. That is worth
    knowing only with the reason: say it with `exit`, so the report can show
    where and why customers drop out.

    Fails:

        touchpoints:
          - {name: Sees the price, next: []}

    Passes:

        touchpoints:
          - {name: Sees the price, next: [], exit: Finds it too expensive}
    """
    outgoing = {edge.source for edge in journey.edges}
    for tp in journey.touchpoints:
        if tp.id not in outgoing and tp.id not in journey.ends and tp.exit_reason is None:
            yield Finding(tp.at("next"), f"touchpoint '{tp.id}' ends the journey without an exit reason")


def _is_fallback(condition: str | None) -> bool:
    return condition is None or _FALLBACK.search(condition) is not None


@rule("CJM203", "branch-without-fallback", Severity.WARNING, options=[SHARE_SLACK])
def branch_without_fallback(journey: Journey, context: Context) -> Iterator[Finding]:
    """A conditional `next` has no path for everyone else.

    When every branch has a condition ("clicked the email"), the customer
    who does none of those things has nowhere to go. Add the fallback: a
    branch that states the negative case (`never opened it`, `leaves without
    booking`: a condition with never, not, no, without or n't), one whose
    `when` starts with `otherwise` or `else`, one without `when`, or an `exit`.
    Branches whose shares add up to 100 % (less at most `share-slack` points,
    as CJM603 allows) need none: their shares say everyone takes one of them.

    Fails:

        touchpoints:
          - name: Gets the welcome email
            next:
              - {to: onboarding, when: clicked the email}
          - {id: onboarding, name: Starts onboarding}

    Passes:

        touchpoints:
          - name: Gets the welcome email
            next:
              - {to: onboarding, when: clicked the email}
              - {to: reminder, when: never opened it}
          - {id: onboarding, name: Starts onboarding}
          - {id: reminder, name: Gets a reminder}
          - name: Gets the offer
            next:
              - {to: repair, when: chooses a garage repair, share: 0.71}
              - {to: payout, when: takes the cash, share: 0.29}
          - {id: repair, name: Car repaired}
          - {id: payout, name: Cash paid out}
    """
    slack = context[SHARE_SLACK] / 100
    branches: dict[str, list[str | None]] = {}
    for edge in journey.edges:
        if not edge.implicit:
            branches.setdefault(edge.source, []).append(edge.condition)
    for tp in journey.touchpoints:
        conditions = branches.get(tp.id, [])
        if not conditions or any(_is_fallback(c) for c in conditions) or tp.exit_reason is not None:
            continue
        shares = journey.metrics.shares_from(tp.id)
        if len(shares) == len(conditions) and math.fsum(s.value for s in shares) >= 1 - slack - 1e-9:
            continue  # every way out has a share and together they account for everyone
        yield Finding(tp.at("next"), f"touchpoint '{tp.id}' branches on conditions but has no 'otherwise' path or exit")


@rule("CJM204", "loop-without-exit", Severity.ERROR)
def loop_without_exit(journey: Journey, context: Context) -> Iterator[Finding]:
    """Touchpoints form a loop that no path leaves.

    Loops are real (a reminder email that sends people back to the product
    page), but a loop with no way out traps the customer forever: give one of
    its touchpoints a branch out of the loop, or an `exit`.

    Fails:

        touchpoints:
          - {id: page, name: Reads the page, next: [email]}
          - {id: email, name: Gets a reminder, next: [page]}

    Passes:

        touchpoints:
          - {id: page, name: Reads the page, next: [{to: buy, when: books}, {to: email, when: otherwise}]}
          - {id: email, name: Gets a reminder, next: [page]}
          - {id: buy, name: Buys}
    """
    order = {tp.id: i for i, tp in enumerate(journey.touchpoints)}
    by_id: dict[str, Touchpoint] = {tp.id: tp for tp in journey.touchpoints}
    successors = _successors(journey)
    for component in strongly_connected(journey):
        members = set(component)
        is_loop = len(component) > 1 or component[0] in successors[component[0]]
        if not is_loop or members.intersection(journey.ends):
            continue
        leaves = any(t not in members for m in component for t in successors[m])
        if leaves or any(by_id[m].exits for m in component):
            continue
        ordered = sorted(component, key=order.__getitem__)
        names = ", ".join(f"'{m}'" for m in ordered)
        yield Finding(by_id[ordered[0]].where, f"touchpoints {names} form a loop that no path leaves")


@rule("CJM205", "persona-handed-off", Severity.ERROR)
def persona_handed_off(journey: Journey, context: Context) -> Iterator[Finding]:
    """A `next` hands a persona to a touchpoint that persona never takes.

    With `personas: [...]` on touchpoints, each persona has its own path. A
    step from a touchpoint some personas take to one none of them take
    breaks their path: the map says they go somewhere they never are. The
    same holds when a persona's every way out of a touchpoint leads to places
    it never goes. Point the step at a touchpoint they take, add them to the
    target's `personas`, or give them a branch of their own.

    Fails:

        personas: [{id: student, name: Student}, {id: owner, name: Owner}]
        stages:
          - name: Apply
            touchpoints:
              - {id: apply-online, name: Applies online, personas: [student], next: [branch-visit]}
              - {id: branch-visit, name: Visits a branch, personas: [owner], next: []}

    Passes:

        personas: [{id: student, name: Student}, {id: owner, name: Owner}]
        stages:
          - name: Apply
            touchpoints:
              - {id: apply-online, name: Applies online, personas: [student], next: [verify]}
              - {id: branch-visit, name: Visits a branch, personas: [owner], next: [verify]}
              - {id: verify, name: Verifies identity, exit: Account opened, next: []}
    """
    if not journey.personas:
        return
    by_id = {tp.id: tp for tp in journey.touchpoints}
    outgoing: dict[str, list] = {}
    for edge in journey.edges:  # file order skips the cards a persona does not take: only `next` can hand off
        if not edge.implicit and edge.source in by_id and edge.target in by_id:
            outgoing.setdefault(edge.source, []).append(edge)
    for tp in journey.touchpoints:
        edges = outgoing.get(tp.id, [])
        takers = [p.id for p in journey.personas if tp.taken_by(p.id)]
        if not edges or not takers:
            continue
        reported = False
        for edge in edges:
            target = by_id[edge.target]
            if not any(target.taken_by(p) for p in takers):
                reported = True
                who = (
                    "persona " + ", ".join(f"'{p}'" for p in takers)
                    if len(takers) < 4
                    else f"the {len(takers)} personas"
                )
                yield Finding(edge.where, f"'{tp.id}' hands {who} to '{target.id}', which none of them takes")
        if reported:
            continue
        for persona in takers:
            if not any(by_id[e.target].taken_by(persona) for e in edges) and not tp.exits:
                names = ", ".join(f"'{e.target}'" for e in edges)
                yield Finding(
                    edges[0].where,
                    f"'{tp.id}' hands persona '{persona}' only to {names}, which '{persona}' never takes",
                )


@rule("CJM206", "persona-off-path", Severity.WARNING)
def persona_off_path(journey: Journey, context: Context) -> Iterator[Finding]:
    """A touchpoint names a persona whose own path never reaches it.

    A persona's path starts at its `starts` (or its first touchpoint in the
    file) and follows the flow through the touchpoints it takes. A touchpoint
    that lists the persona in `personas` but lies off that path is drawn for
    them and never lived by them: their curve skips it and the persona switch
    fades it. Usually the start is too late (it names a card after the ones
    the persona really begins with), or a `next` is missing.

    Fails:

        flow: explicit
        personas: [{id: caller, name: Caller, starts: hotline}]
        stages:
          - name: Report
            touchpoints:
              - {id: at-scene, name: Takes photos at the scene, personas: [caller], next: [hotline]}
              - {id: hotline, name: Calls the hotline, personas: [caller], next: [], exit: Claim filed}

    Passes:

        flow: explicit
        personas: [{id: caller, name: Caller, starts: at-scene}]
        stages:
          - name: Report
            touchpoints:
              - {id: at-scene, name: Takes photos at the scene, personas: [caller], next: [hotline]}
              - {id: hotline, name: Calls the hotline, personas: [caller], next: [], exit: Claim filed}
    """
    paths = {p.id: (set(journey.path_of(p.id)), p.starts) for p in journey.personas}
    for tp in journey.touchpoints:
        for persona in tp.personas or ():
            if persona in paths and tp.id not in paths[persona][0]:
                starts = ", ".join(f"'{s}'" for s in paths[persona][1]) or "nowhere"
                yield Finding(
                    tp.at("personas"),
                    f"touchpoint '{tp.id}' lists persona '{persona}', whose path from {starts} never reaches it",
                )
