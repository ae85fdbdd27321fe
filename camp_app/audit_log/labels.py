"""Audit entries in words: what an action code means, and what kind of record it touched.

An action nobody described yet (a feature added later) is shown as its code, never hidden.
"""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Accounts
    "create": _l("Created an account"),
    "user.create": _l("Created an account"),
    "verify_email": _l("Confirmed an email address"),
    "reset_password": _l("Reset a password"),
    "change_password": _l("Changed a password"),
    "api_token.issue": _l("Issued an API token"),
    "api_token.revoke": _l("Revoked an API token"),
    # Families
    "household.create": _l("Created a household"),
    "household.delete": _l("Removed an empty household"),
    "user.join_household": _l("Joined a household"),
    "guardian_invite.create": _l("Invited a guardian"),
    "guardian_invite.revoke": _l("Withdrew a guardian's invitation"),
    "guardian_invite.accept": _l("Accepted a guardian's invitation"),
    "child.create": _l("Added a child"),
    "child.update": _l("Changed a child's details"),
    "child.delete": _l("Removed a child"),
    "child.verification": _l("Recorded a patient verification"),
    "contact.create": _l("Added a contact"),
    "contact.update": _l("Changed a contact"),
    "contact.delete": _l("Removed a contact"),
    # Events
    "event.create": _l("Created an event"),
    "event.update": _l("Changed an event"),
    "event.publish": _l("Published an event"),
    "event.unpublish": _l("Unpublished an event"),
    # Registrations
    "registration.created": _l("Registered a child"),
    "registration.approved": _l("Approved a registration"),
    "registration.declined": _l("Declined a registration"),
    "registration.waitlisted": _l("Moved a registration to the waitlist"),
    "registration.promoted": _l("Gave a waitlisted child a seat"),
    "registration.cancelled": _l("Cancelled a registration"),
    "registration.group": _l("Assigned a child to a cabin or group"),
    # Cabins and groups
    "camp_group.create": _l("Created a cabin or group"),
    "camp_group.update": _l("Changed a cabin or group"),
    "camp_group.delete": _l("Removed a cabin or group"),
    # Messages, mail and exports
    "event_message.sent": _l("Sent a message to families"),
    "event_message.test_sent": _l("Sent a test of a message to themselves"),
    "event.export_roster_csv": _l("Downloaded a roster (CSV)"),
    "event.export_roster_xlsx": _l("Downloaded a roster (Excel)"),
    "event.export_medical_summary": _l("Downloaded the medical summary"),
    "event.export_readiness_csv": _l("Downloaded the readiness list (CSV)"),
    "outbox.retry": _l("Asked to send a mail again"),
    "audit.exported": _l("Downloaded the audit log"),
    # Attendance
    "attendance.check_in": _l("Checked a child in"),
    "attendance.check_out": _l("Checked a child out"),
    "attendance.pickup_refused": _l("Refused a pickup"),
    "attendance.pickup_restricted": _l("Refused a person who must never pick up"),
    "attendance.absent": _l("Marked a child absent"),
    "attendance.undo": _l("Undid an attendance entry"),
    "medication_dose.create": _l("Recorded a medication dose"),
    # Privacy: the family's own copy, closing an account, the retention policy
    "household.export": _l("Downloaded their family's data (JSON)"),
    "household.export_pdf": _l("Downloaded their family's data (PDF)"),
    "user.close_account": _l("Closed their account"),
    "user.leave_household": _l("Left a household"),
    "user.close_unverified": _l("Closed an account never confirmed"),
    "household.close": _l("Closed a household"),
    "household.erase": _l("Erased a closed household's records"),
    "child.erase_medical": _l("Erased a child's medical details"),
    # Health center
    "dose_record.create": _l("Recorded what became of a medication dose"),
    "medication_record.read": _l("Read the medication record of a day"),
    "health_visit.create": _l("Recorded a visit to the health center"),
    "health_visit_addendum.create": _l("Added an addendum to a health center visit"),
    "health_visit.read": _l("Read health center visits"),
    # Camp readiness
    "document.upload": _l("Uploaded a health document"),
    "document.review": _l("Reviewed a health document"),
    "document.read": _l("Opened a health document"),
    "child.medical_confirmed": _l("Confirmed a child's medical details as current"),
    # Reads of medical details (pages, files, API answers)
    "child.read": _l("Read a child's allergies and health alerts"),
    "child.medical_read": _l("Read a child's medical details"),
    "child.medication_read": _l("Read a child's medications"),
    "event.roster_read": _l("Looked at the roster"),
    "event.review_read": _l("Looked at the review queue"),
    "event.verification_read": _l("Looked at the patient verification list"),
    "attendance.day_sheet_read": _l("Looked at the day sheet"),
    "attendance.medication_log_read": _l("Looked at the medication log"),
    "attendance.export_sign_in_sheet": _l("Downloaded the sign-in sheet"),
    # Signing in
    "sign_in.web": _l("Signed in"),
    "sign_in.api": _l("Signed in through the API"),
    "sign_in.failed": _l("Failed to sign in"),
    "sign_in.refused": _l("Sign-in refused: too many failed attempts"),
    "second_factor.enrol": _l("Set up an authenticator"),
    "second_factor.reset": _l("Reset an authenticator"),
    "second_factor.recovery_code_used": _l("Used a recovery code"),
}

# What the stored table names are to a person.
ENTITY_LABELS = {
    "users": _l("Account"),
    "api_tokens": _l("API token"),
    "households": _l("Household"),
    "guardian_invites": _l("Guardian invitation"),
    "children": _l("Child"),
    "contacts": _l("Contact"),
    "events": _l("Event"),
    "registrations": _l("Registration"),
    "camp_groups": _l("Cabin or group"),
    "event_messages": _l("Message to families"),
    "outbox_mails": _l("Mail"),
    "attendance_records": _l("Attendance record"),
    "attendance_events": _l("Attendance history entry"),
    "medications": _l("Medication"),
    "medication_doses": _l("Medication dose"),
    "dose_records": _l("Medication record entry"),
    "health_visits": _l("Health center visit"),
    "health_visit_addenda": _l("Addendum to a health center visit"),
    "audit_entries": _l("Audit log"),
    "child_documents": _l("Health document"),
    "sign_in_attempts": _l("Sign-in attempt"),
}

# Action groups offered in the action filter: "registration." matches every registration action.
ACTION_GROUP_LABELS = {
    "registration.": _l("Any registration action"),
    "event.": _l("Any event action or download"),
    "camp_group.": _l("Any change to a cabin or group"),
    "event_message.": _l("Any message to families"),
    "child.": _l("Any change to a child"),
    "contact.": _l("Any change to a contact"),
    "attendance.": _l("Any attendance action"),
    "health_visit": _l("Any health log entry"),
    "sign_in.": _l("Any sign-in, failed ones too"),
}

# The kinds of entry, for the filter: what happened to the records.
KIND_LABELS = {
    "change": _l("Changes"),
    "read": _l("Reads of medical details"),
    "sign_in": _l("Sign-ins"),
}


# Actions that read rather than change: their entry's fields name the filters the download used.
DOWNLOAD_ACTIONS = frozenset(
    {
        "event.export_roster_csv",
        "event.export_roster_xlsx",
        "event.export_medical_summary",
        "event.export_readiness_csv",
        "audit.exported",
    }
)


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def is_download(action: str) -> bool:
    return action in DOWNLOAD_ACTIONS


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def entity_label(entity_type: str) -> str:
    label = ENTITY_LABELS.get(entity_type)
    return str(label) if label is not None else entity_type
