"""One page of a server-rendered list, newest first, with the cursor of the next page."""

from datetime import datetime

from django.db.models import Q

PAGE = 50


def keyset_page(queryset, request, field: str):
    """Return one page newest first and the cursor of the next ("<iso time>_<id>")."""
    cursor = request.GET.get("after", "")
    if "_" in cursor:
        stamp, _sep, pk = cursor.rpartition("_")
        try:
            at, pk = datetime.fromisoformat(stamp), int(pk)
            queryset = queryset.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
        except ValueError:
            pass
    rows = list(queryset.order_by(f"-{field}", "-pk")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    after = f"{getattr(rows[-1], field).isoformat()}_{rows[-1].pk}" if more else ""
    query = request.GET.copy()
    query.pop("after", None)
    if after:
        query["after"] = after
    return rows, (query.urlencode() if after else "")
