"""The development mailbox in Chromium: a mail's HTML part shows with its inline styles, and
its scripts do not run."""

from playwright.sync_api import expect

from camp_app.extensions import db
from camp_app.notifications.models import OutboxMail

STYLED = (
    '<p id="styled" style="color: rgb(11, 92, 171); font-weight: 700">Your seat is confirmed</p>'
    "<script>document.body.dataset.ran = 'yes'</script>"
)


def test_the_html_part_shows_styled_and_without_scripts(page, live_server):
    with live_server.app.app_context():
        mail = OutboxMail(
            message_id="<preview-test@camp.test>", category="test", to_address="a@example.org",
            subject="Styled", body_text="Your seat is confirmed", body_html=STYLED,
        )  # fmt: skip
        db.session.add(mail)
        db.session.commit()
        mail_id = mail.id
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(f"/dev/mailbox/{mail_id}")
    frame = page.frame_locator("iframe[title='HTML part of the mail']")
    styled = frame.locator("#styled")
    expect(styled).to_have_text("Your seat is confirmed")
    expect(styled).to_have_css("color", "rgb(11, 92, 171)")
    expect(styled).to_have_css("font-weight", "700")
    assert frame.locator("body").get_attribute("data-ran") is None  # the script never ran
    assert not any("style" in v for v in violations), violations
