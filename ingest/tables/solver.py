"""Assignment solver: decide which column each printed value of a row belongs to.

WHY: in the PDF-flow layout a table row prints only the cells it has (a budget item touched by
revisions 第2号 and 第4号 prints two numbers between 当初 and 補正合計, with nothing saying which
revisions they are). The printed totals row fixes the answer: every row offers a few candidate
placements that satisfy the row's own identities, and exactly the combinations whose column
sums equal the printed totals are consistent with the document.

The solver never guesses: for every row it reports the candidates that take part in at least
one exact solution. A row with exactly one such candidate is determined; a row with none or
several is not, and the caller lands it `unresolved` with the reason.

It is deliberately generic (vectors of numbers, no budget vocabulary) so any table with "rows
print a subset of columns, a totals row prints every column" can use it.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Sequence

Number = int | Decimal
Vector = tuple[Number, ...]

# Above this many distinct partial-sum vectors the search is abandoned (reported as too large)
# rather than letting one odd table stall the build.
MAX_STATES = 200_000


@dataclass(frozen=True)
class SolveResult:
    """Outcome of `feasible_choices`.

    `feasible[i]` lists the indices of row i's candidates used by at least one exact solution
    (every row contributes exactly one candidate and the column sums equal `target`).
    `solvable` is False when no exact solution exists; `too_large` when the search was cut off
    (then nothing is determined and `feasible` is empty lists).
    """

    feasible: list[list[int]]
    solvable: bool
    too_large: bool = False

    def determined(self, row: int) -> int | None:
        """The single candidate of `row` every solution uses, else None."""
        choices = self.feasible[row] if row < len(self.feasible) else []
        return choices[0] if self.solvable and len(choices) == 1 else None


def placements(n_values: int, n_slots: int) -> list[tuple[int, ...]]:
    """Order-preserving placements of `n_values` printed values into `n_slots` columns.

    A printed row keeps the left-to-right order of its columns, so the k-th printed value sits
    in a later column than the (k-1)-th: the placements are the increasing slot tuples.
    """
    if n_values < 0 or n_values > n_slots:
        return []
    return list(combinations(range(n_slots), n_values))


def place(values: Sequence[Number], slots: Sequence[int], n_slots: int) -> Vector:
    """The column vector a placement contributes (zeros in the columns the row does not print)."""
    out: list[Number] = [0] * n_slots
    for value, slot in zip(values, slots):
        out[slot] = value
    return tuple(out)


def _as_ints(vector: Sequence[Number]) -> Vector:
    return tuple(int(x) if x == int(x) else x for x in vector)


def _add(a: Vector, b: Vector) -> Vector:
    return tuple(map(operator.add, a, b))


def _sub(a: Vector, b: Vector) -> Vector:
    return tuple(map(operator.sub, a, b))


def _int_packer(candidates: Sequence[Sequence[Vector]], target: Vector):
    """A map from integer vectors to single ints that keeps sums exact, or None (non-integers).

    Each column becomes one base-2**k digit (signed digits are fine: packing is linear, so the
    packed sum is the sum packed). k is chosen so every sum the search can form (any prefix or
    suffix of rows, and target minus one) has columns below 2**(k-1) in magnitude; then two such
    vectors differ in some column by less than 2**k and cannot pack to the same int. Adding two
    ints is several times faster than adding two tuples element-wise, and the search is adds.
    """
    if not all(type(x) is int for x in target):
        return None
    bound = [abs(x) for x in target]
    for row in candidates:
        if not row:
            continue
        if not all(type(x) is int for c in row for x in c):
            return None
        for j in range(len(bound)):
            bound[j] += max(abs(c[j]) for c in row)
    k = max(bound, default=0).bit_length() + 2
    weights = [1 << (k * j) for j in range(len(target))]

    def pack(vector: Vector) -> int:
        return sum(map(operator.mul, vector, weights))

    return pack


def feasible_choices(candidates: Sequence[Sequence[Vector]], target: Vector,
                     max_states: int = MAX_STATES) -> SolveResult:
    """For each row, the candidate vectors that belong to some combination summing to `target`.

    S[i] = sums reachable by rows i.. end; then a forward pass keeps only the prefix sums p that
    can still reach the target. Candidate c of row i is feasible iff target - p - c ∈ S[i+1]
    for some such p. Exact and polynomial in the number of distinct partial sums, which stays
    small for budget tables (a handful of rows, at most a few placements each).
    """
    # Integral amounts are searched as Python ints: the same sums, several times faster than
    # Decimal arithmetic in the inner loop; packed into one int per vector when all are integral.
    candidates = [[_as_ints(c) for c in row] for row in candidates]
    target = _as_ints(target)
    n = len(candidates)
    width = len(target)
    pack = _int_packer(candidates, target)
    if pack is not None:
        candidates = [[pack(c) for c in row] for row in candidates]
        target, zero, add, sub = pack(target), 0, operator.add, operator.sub
    else:
        zero, add, sub = tuple([0] * width), _add, _sub
    suffix: list[set] = [set() for _ in range(n + 1)]
    suffix[n] = {zero}
    for i in range(n - 1, -1, -1):
        suffix[i] = {add(c, s) for c in candidates[i] for s in suffix[i + 1]}
        if len(suffix[i]) > max_states:
            return SolveResult([[] for _ in candidates], False, True)
    if target not in suffix[0]:
        return SolveResult([[] for _ in candidates], False)
    # Forward pass over only the partial sums that can still reach the target: a candidate is
    # feasible iff some reachable prefix plus it leaves a remainder the later rows can make.
    reach: set = {zero}
    feasible: list[list[int]] = []
    for i, row in enumerate(candidates):
        ok: list[int] = []
        nxt: set = set()
        later = suffix[i + 1]
        for k, c in enumerate(row):
            hit = False
            for p in reach:
                q = add(p, c)
                if sub(target, q) in later:
                    nxt.add(q)
                    hit = True
            if hit:
                ok.append(k)
        feasible.append(ok)
        reach = nxt
    return SolveResult(feasible, True)
