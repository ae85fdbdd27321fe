"""The role sets (camp_app/roles.py) are what the pages declare: every page of the event
workspace and the outbox is for coordinators and admins, every attendance page also for staff
and the nurse, except the health center's (medical details: not for counselors; only nurses
write its record)."""

from camp_app.roles import CAMP_STAFF, HEALTH_CENTER, MANAGERS


def _declared(app, prefix: str) -> dict[str, set]:
    return {
        rule.rule: set(app.view_functions[rule.endpoint].access)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix)
    }


def test_the_sets_name_the_roles():
    assert set(MANAGERS) == {"coordinator", "admin"}
    assert set(CAMP_STAFF) == {"staff", "nurse", "coordinator", "admin"}
    assert set(HEALTH_CENTER) == {"nurse", "coordinator", "admin"}


def test_every_workspace_page_is_for_managers(app):
    declared = _declared(app, "/manage/")
    assert len(declared) >= 25
    assert {rule for rule, roles in declared.items() if roles != {"coordinator", "admin"}} == set()


def test_every_attendance_page_is_for_camp_staff(app):
    declared = _declared(app, "/attendance")
    assert len(declared) >= 10
    health_center = {rule for rule in declared if "health-center" in rule}
    assert len(health_center) == 6
    # The health center's record carries the nurse's name: only nurses write it (the dose,
    # visit and addendum pages); coordinators and admins read it with the nurse.
    writing = {rule for rule in health_center if rule.endswith(("/new", "/addendum", "_id>"))}
    assert len(writing) == 3
    staff = {"staff", "nurse", "coordinator", "admin"}
    wrong = {
        rule
        for rule, roles in declared.items()
        if roles
        != (
            {"nurse"} if rule in writing else set(HEALTH_CENTER) if rule in health_center else staff
        )
    }
    assert wrong == set()
