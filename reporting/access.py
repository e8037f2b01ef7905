"""Who reads which reports, by the one access policy (gfss.org.access): central staff every
region, branch staff the own branch's region."""

from django.core.exceptions import PermissionDenied

from gfss.org import access
from gfss.org.actors import Reader
from gfss.org.models import Region


def report_region_limit(*, user: Reader) -> Region | None:
    """``None`` for readers of every region, else the one region the user may see; users who
    read no reports are refused."""
    reach = access.reach(user, access.Subject.REPORT)
    if reach.everything:
        return None
    if reach.region_id is None:
        raise PermissionDenied
    return Region.objects.get(pk=reach.region_id)


def user_reads_reports(*, user: Reader) -> bool:
    reach = access.reach(user, access.Subject.REPORT)
    return reach.everything or reach.region_id is not None
