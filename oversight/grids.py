"""Small numbers protected across periods: the same table for every quarter of the pilot
and for the whole pilot, published side by side (the evaluation report and its CSV).

`statistics.protect()` protects one table against its total. Side by side there are more
sums to reason from: each quarter's cells add up to the quarter's total, and each
category's quarters add up to its whole-pilot figure. `protect_grid()` hides cells until
no "<5" can be narrowed down from all of those sums at once, by anyone who knows every
shown figure, what the marks mean and (to be safe) every quarter's and the whole pilot's
total exactly.

The check is exact, not a rule of thumb: the sums form a flow network (quarter → category
→ whole pilot), whose constraint matrix is totally unimodular, so the values a cell can
take given all the others form an unbroken run of whole numbers; a "<5" is safe when it
can be 1 and can be 4 (`_feasible`, a max-flow with lower bounds).
"""

from collections import deque

from oversight.statistics import HIDDEN, NOT_SHOWN, SMALL, THRESHOLD, Figure

BIG = 10**9  # no upper bound: what an "x" or a "–" could be, for all anyone knows


def protect_grid(quarters, whole, *, adds_up=True):
    """The published figures of a table across the quarters and the whole pilot.

    `quarters`: one list of counts per quarter (the same categories in each); `whole`: the
    whole pilot's counts, the sum of the quarters'. With `adds_up` a quarter's categories
    add up to its total (every contact in exactly one); without (themes, a single count)
    only the quarters add up to the whole pilot, and each category is protected on its own.
    Returns (figures per quarter, figures of the whole pilot).
    """
    if not adds_up and whole and len(whole) > 1:
        columns = [
            protect_grid([[row[j]] for row in quarters], [whole[j]], adds_up=False)
            for j in range(len(whole))
        ]
        return (
            [[columns[j][0][i][0] for j in range(len(whole))] for i in range(len(quarters))],
            [columns[j][1][0] for j in range(len(whole))],
        )
    grid = _Grid(quarters, whole, adds_up)
    while (failing := grid.first_unsafe()) is not None:
        candidate = grid.candidate(failing)
        if candidate is None:
            return grid.nothing()
        grid.marks[candidate] = HIDDEN
    return grid.figures()


class _Grid:
    def __init__(self, quarters, whole, adds_up):
        self.adds_up = adds_up
        self.rows = len(quarters)
        self.columns = len(whole)
        # Cells: (i, j) for quarter i, ("w", j) for the whole pilot's category j.
        self.values = {(i, j): row[j] for i, row in enumerate(quarters) for j in range(len(whole))}
        self.values.update({("w", j): count for j, count in enumerate(whole)})
        self.marks = {
            cell: "" if value == 0 or value >= THRESHOLD else SMALL
            for cell, value in self.values.items()
        }
        self.row_totals = [sum(row) for row in quarters]

    def bounds(self, cell, fixed=None):
        if fixed is not None and cell == fixed[0]:
            return fixed[1], fixed[1]
        mark = self.marks[cell]
        if not mark:
            return self.values[cell], self.values[cell]
        return {SMALL: (1, THRESHOLD - 1), HIDDEN: (THRESHOLD, BIG)}.get(mark, (0, BIG))

    def possible(self, cell, value):
        return _feasible(self, (cell, value))

    def first_unsafe(self):
        """A suppressed cell that can be narrowed down, or None."""
        for cell, value in self.values.items():
            mark = self.marks[cell]
            if not mark:
                continue
            if 0 < value < THRESHOLD:
                if not (self.possible(cell, 1) and self.possible(cell, THRESHOLD - 1)):
                    return cell
            elif mark == HIDDEN:
                # An "x" must not be pinned down either: at least four values it could be.
                run = 1
                for step in (1, 2, 3):
                    if self.possible(cell, value + step):
                        run += 1
                    else:
                        break
                for step in (1, 2, 3):
                    if value - step >= THRESHOLD and self.possible(cell, value - step):
                        run += 1
                    else:
                        break
                if run < 4:
                    return cell
        return None

    def candidate(self, failing):
        """The next count to hide: the smallest shown count of 5 or more in the failing
        cell's quarter or category, else anywhere in the table."""
        shown = [
            (value, str(cell), cell)
            for cell, value in self.values.items()
            if not self.marks[cell] and value >= THRESHOLD
        ]
        i, j = failing
        near = [item for item in shown if item[2][0] == i or item[2][1] == j]
        chosen = min(near or shown, default=None)
        return None if chosen is None else chosen[2]

    def nothing(self):
        blank = Figure(None, NOT_SHOWN)
        return [[blank] * self.columns for _i in range(self.rows)], [blank] * self.columns

    def figures(self):
        def figure(cell):
            mark = self.marks[cell]
            return Figure(None, mark) if mark else Figure(self.values[cell])

        return (
            [[figure((i, j)) for j in range(self.columns)] for i in range(self.rows)],
            [figure(("w", j)) for j in range(self.columns)],
        )


def _feasible(grid, fixed):
    """Is there a filling-in of every suppressed cell that keeps every sum, with
    `fixed` = (cell, value)? A circulation with lower bounds: source → quarter (its total,
    known) → category (each cell) → whole pilot's category (its figure) → sink → source."""
    source, sink = "s", "t"
    edges = []  # (from, to, low, high)
    for i in range(grid.rows):
        if grid.adds_up:
            edges.append((source, ("q", i), grid.row_totals[i], grid.row_totals[i]))
        else:
            edges.append((source, ("q", i), 0, BIG))
        for j in range(grid.columns):
            edges.append((("q", i), ("c", j), *grid.bounds((i, j), fixed)))
    for j in range(grid.columns):
        edges.append((("c", j), sink, *grid.bounds(("w", j), fixed)))
    total = sum(grid.row_totals)
    edges.append((sink, source, total, total) if grid.adds_up else (sink, source, 0, BIG))
    return _circulation(edges)


def _circulation(edges):
    """Whether a circulation exists within every edge's [low, high]: the classic reduction
    to a max-flow from a super source that must saturate every edge out of it."""
    if any(low > high for _u, _v, low, high in edges):
        return False
    excess = {}
    capacity = {}
    graph = {}

    def add(u, v, amount):
        graph.setdefault(u, []).append(v)
        graph.setdefault(v, []).append(u)
        capacity[u, v] = capacity.get((u, v), 0) + amount
        capacity.setdefault((v, u), 0)

    for u, v, low, high in edges:
        add(u, v, high - low)
        excess[v] = excess.get(v, 0) + low
        excess[u] = excess.get(u, 0) - low
    need = 0
    for node, amount in list(excess.items()):
        if amount > 0:
            add("S*", node, amount)
            need += amount
        elif amount < 0:
            add(node, "T*", -amount)
    return _max_flow(graph, capacity, "S*", "T*") == need


def _max_flow(graph, capacity, source, sink):
    """Edmonds–Karp: shortest augmenting paths; the networks here have a few dozen nodes."""
    if source not in graph:
        return 0
    flow = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v in graph[u]:
                if v not in parent and capacity[u, v] > 0:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path = []
        v = sink
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        pushed = min(capacity[edge] for edge in path)
        for u, v in path:
            capacity[u, v] -= pushed
            capacity[v, u] += pushed
        flow += pushed
