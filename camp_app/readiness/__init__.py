"""Camp readiness: the documents each event requires, families' uploads and their review,
who is missing what, and the reminders that chase it."""
