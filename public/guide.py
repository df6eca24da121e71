"""The help guide (hulpwijzer) as data for the page: one question at a time."""

from collections import deque

from django.db.models import Prefetch

from public.models import GuideChannel, GuideChoice, GuideNode


def load_guide():
    """All nodes by primary key, with their choices and channels, in three queries."""
    nodes = GuideNode.objects.prefetch_related(
        Prefetch("choices", queryset=GuideChoice.objects.order_by("position")),
        Prefetch(
            "channels", queryset=GuideChannel.objects.select_related("partner").order_by("position")
        ),
    )
    return {node.pk: node for node in nodes}


def start_node(nodes):
    return next((n for n in nodes.values() if n.is_start), None)


def paths_to_ends(nodes):
    """For every reachable end: the shortest list of choices that leads there."""
    start = start_node(nodes)
    if start is None:
        return {}
    paths, seen, queue = {}, {start.pk}, deque([(start, [])])
    while queue:
        node, path = queue.popleft()
        if node.kind == GuideNode.Kind.END:
            paths[node.key] = path
            continue
        for choice in node.choices.all():
            if choice.target_id not in seen:
                seen.add(choice.target_id)
                queue.append((nodes[choice.target_id], [*path, choice]))
    return paths
