"""The household pages. Thin: parse the form, call families.services, show its problems."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from camp_app.access import roles_required
from camp_app.accounts.models import User
from camp_app.extensions import db
from camp_app.families import services
from camp_app.families.confirmation import confirm_medical_details
from camp_app.families.forms import ChildForm, ContactForm, InviteForm, show_problems
from camp_app.families.serializers import serialize_child, serialize_contact
from camp_app.forms import ButtonForm
from camp_app.phones import readable_phone
from camp_app.redirects import safe_next
from camp_app.roles import Role
from camp_app.service_errors import ServiceError
from camp_app.timeutil import age_on, camp_today

bp = Blueprint("families", __name__)


bp.add_app_template_filter(readable_phone, "phone_number")


def _me() -> User:
    return current_user._get_current_object()


# --- overview ---------------------------------------------------------------------------


@bp.get("/family")
@roles_required(Role.PARENT)
def household():
    return _render_household(InviteForm())


def _render_household(invite_form: InviteForm, status: int = 200):
    family = services.load_family(services.household_of(_me()))
    page = render_template(
        "families/household.html",
        family=family,
        guardians=sorted(family.guardians, key=lambda u: u.id),
        emergency=[c for c in family.contacts if c.kind == "emergency"],
        pickup=[c for c in family.contacts if c.kind == "pickup"],
        restricted=[c for c in family.contacts if c.kind == "do_not_release"],
        invites=services.pending_invites(family),
        invite_form=invite_form,
        revoke_form=ButtonForm(),
        today=camp_today(),
        age_on=age_on,
    )
    return page, status


# --- children ---------------------------------------------------------------------------


@bp.route("/family/children/new", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def add_child():
    form = ChildForm()
    if form.is_submitted() and form.add_medication_row.data:
        form.medications.append_entry()
        return _render_child_form(form, None)
    if form.validate_on_submit():
        try:
            child = services.add_child(_me(), form.to_data())
        except ServiceError as error:
            show_problems(form, error)
        else:
            flash(_("%(name)s was added to your family.", name=child.first_name), "success")
            return redirect(url_for(".household"))
    return _render_child_form(form, None)


@bp.route("/family/children/<int:child_id>/edit", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def edit_child(child_id: int):
    child = services.child_of(_me(), child_id)
    if request.method == "GET":
        form = ChildForm(data=serialize_child(child))
        form.ensure_blank_rows(1)
        return _render_child_form(form, child)
    form = ChildForm()
    if form.add_medication_row.data:
        form.medications.append_entry()
        return _render_child_form(form, child)
    if form.validate_on_submit():
        try:
            services.update_child(_me(), child, form.to_data())
        except ServiceError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            flash(_("%(name)s's details were saved.", name=child.first_name), "success")
            return redirect(url_for(".household"))
    return _render_child_form(form, child)


def _render_child_form(form: ChildForm, child):
    status = 422 if form.errors or form.form_errors else 200
    return render_template("families/child_form.html", form=form, child=child), status


@bp.route("/family/children/<int:child_id>/confirm", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def confirm_details(child_id: int):
    """A returning family checks the child's medical details, medications and contacts and
    confirms them as still current (or follows the links to change them first)."""
    child = services.child_of(_me(), child_id)
    form = ButtonForm()
    back = safe_next(request.values.get("next")) or url_for(".household")
    if form.validate_on_submit():
        confirm_medical_details(_me(), child)
        flash(
            _("Thank you: %(name)s's details are confirmed as current.", name=child.first_name),
            "success",
        )
        return redirect(back)
    family = services.load_family(services.household_of(_me()))
    contacts = [c for c in family.contacts if c.kind == "do_not_release" or c.covers(child)]
    page = render_template(
        "families/confirm_details.html", child=child, contacts=contacts, form=form, back=back
    )
    return page, (400 if form.is_submitted() else 200)


@bp.route("/family/children/<int:child_id>/remove", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def remove_child(child_id: int):
    child = services.child_of(_me(), child_id)
    form = ButtonForm()
    problem = None
    if form.validate_on_submit():
        name = child.first_name
        try:
            services.remove_child(_me(), child)
        except ServiceError as error:
            problem = " ".join(p.message for p in error.problems)
        else:
            flash(_("%(name)s was removed from your family.", name=name), "success")
            return redirect(url_for(".household"))
    return _render_confirm(
        form,
        title=_("Remove %(name)s?", name=child.full_name),
        question=_("This deletes the child's details and medical information."),
        cancel_url=url_for(".edit_child", child_id=child.id),
        problem=problem,
    )


# --- contacts ---------------------------------------------------------------------------


@bp.route("/family/contacts/new", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def add_contact():
    family = services.load_family(services.household_of(_me()))
    kind = request.args.get("kind")
    form = ContactForm(
        data={"kind": kind if kind in ("emergency", "pickup", "do_not_release") else "emergency"}
    )
    _offer_children(form, family)
    if form.validate_on_submit():
        try:
            contact = services.add_contact(_me(), form.to_data())
        except ServiceError as error:
            show_problems(form, error)
        else:
            flash(_("%(name)s was added.", name=contact.name), "success")
            return redirect(url_for(".household"))
    return _render_contact_form(form, None, family)


@bp.route("/family/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def edit_contact(contact_id: int):
    contact = services.contact_of(_me(), contact_id)
    family = services.load_family(contact.household)
    data = serialize_contact(contact)
    data["child_ids"] = [str(i) for i in data["child_ids"]]
    form = ContactForm(data=data)
    _offer_children(form, family)
    if form.validate_on_submit():
        try:
            services.update_contact(_me(), contact, form.to_data())
        except ServiceError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            flash(_("%(name)s's details were saved.", name=contact.name), "success")
            return redirect(url_for(".household"))
    return _render_contact_form(form, contact, family)


def _offer_children(form: ContactForm, family) -> None:
    form.child_ids.choices = [SelectChoice(str(c.id), c.full_name) for c in family.children]


def _render_contact_form(form: ContactForm, contact, family):
    status = 422 if form.errors or form.form_errors else 200
    page = render_template("families/contact_form.html", form=form, contact=contact, family=family)
    return page, status


@bp.route("/family/contacts/<int:contact_id>/remove", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def remove_contact(contact_id: int):
    contact = services.contact_of(_me(), contact_id)
    form = ButtonForm()
    problem = None
    if form.validate_on_submit():
        name = contact.name
        try:
            services.remove_contact(_me(), contact)
        except ServiceError as error:
            problem = " ".join(p.message for p in error.problems)
        else:
            flash(_("%(name)s was removed.", name=name), "success")
            return redirect(url_for(".household"))
    return _render_confirm(
        form,
        title=_("Remove %(name)s?", name=contact.name),
        question=_("They will no longer be listed as a contact for your children."),
        cancel_url=url_for(".edit_contact", contact_id=contact.id),
        problem=problem,
    )


def _render_confirm(form, *, title, question, cancel_url, problem):
    page = render_template(
        "families/confirm_remove.html",
        form=form,
        title=title,
        question=question,
        cancel_url=cancel_url,
        problem=problem,
    )
    return page, 422 if problem else 200


# --- guardians --------------------------------------------------------------------------


@bp.post("/family/invites")
@roles_required(Role.PARENT)
def invite_guardian():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invite = services.invite_guardian(_me(), form.email.data)
        except ServiceError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            flash(_("We sent an invitation to %(email)s.", email=invite.email), "success")
            return redirect(url_for(".household"))
    return _render_household(form, status=422)


@bp.post("/family/invites/<int:invite_id>/revoke")
@roles_required(Role.PARENT)
def revoke_invite(invite_id: int):
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    services.revoke_invite(_me(), invite_id)
    flash(_("The invitation was withdrawn."), "success")
    return redirect(url_for(".household"))


@bp.route("/family/invite/<token>", methods=["GET", "POST"])
@roles_required(Role.PARENT)
def accept_invite(token: str):
    form = ButtonForm()
    try:
        invite = services.invite_for(_me(), token)
        if form.validate_on_submit():
            services.accept_invite(_me(), token)
            flash(_("You joined the family. You now see the same children."), "success")
            return redirect(url_for(".household"))
    except ServiceError as error:
        db.session.rollback()
        message = " ".join(p.message for p in error.problems)
        page = render_template("families/accept_invite.html", problem=message, invite=None)
        return page, error.status
    inviter = db.session.get(User, invite.invited_by_id)
    return render_template(
        "families/accept_invite.html", invite=invite, inviter=inviter, form=form, problem=None
    )
