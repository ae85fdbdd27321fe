"""consent documents in full: an event's documents and their versions (English and
Spanish), what each registration signed (versions accepted, by whom, when), a reference to
quote on the phone

Revision ID: 0013_consent
Revises: 0012_audit_reads
Create Date: 2026-12-06 09:40:00.000000

Existing events get the three standard documents (version 1, the texts frozen below, as
camp_app/events/consent_texts.py had them); each existing registration gets a reference and a
signing record of version 1 of those documents, with its stored answers.
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_consent"
down_revision = "0012_audit_reads"
branch_labels = None
depends_on = None

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
ANSWER_COLUMNS = {
    "medical_treatment": "consent_medical_treatment",
    "liability_waiver": "consent_liability_waiver",
    "photo_release": "consent_photo_release",
}

DEFAULT_DOCUMENTS = [
    {
        'key': 'medical_treatment',
        'required': True,
        'title': 'Consent to medical treatment',
        'body': "I am the parent or legal guardian of the child named in this registration.\n\nWhile my child is at camp, the camp's medical team (physicians, nurses and other licensed health professionals from the hospital) will look after my child's health. I authorize them to:\n\n1. Give my child routine care, including first aid, the medications listed in my child's profile, and common over-the-counter medicines when needed (for example for a fever, a headache or an insect bite).\n2. Give my child the treatment their medical condition requires at camp, following the plan of my child's treating physician.\n3. In an emergency, give my child the care that the medical team judges necessary, and have my child taken to the hospital or the nearest emergency department, by ambulance if needed.\n\nThe camp will try to reach me, or my emergency contacts, as soon as possible whenever my child needs more than routine care, and at once in an emergency. If nobody can be reached, treatment will not be delayed.\n\nI confirm that the medical information in my child's profile (conditions, allergies, medications and dietary needs) is complete and correct, and I will tell the camp about any change before camp starts. I understand that the medical team relies on it.\n\nI agree that the camp's medical team may share my child's health information with the hospital's staff and other health professionals treating my child, only as far as needed for my child's care.\n\nThis consent is valid for the dates of this camp. I may withdraw it in writing at any time; my child may then be unable to take part.",
        'title_es': 'Consentimiento para tratamiento médico',
        'body_es': 'Soy el padre, la madre o el tutor legal del niño o de la niña que figura en esta inscripción.\n\nMientras esté en el campamento, el equipo médico del campamento (médicos, personal de enfermería y otros profesionales de la salud del hospital) cuidará de la salud de mi hijo o hija. Les autorizo a:\n\n1. Dar a mi hijo o hija los cuidados habituales, incluidos los primeros auxilios, los medicamentos que constan en su perfil y los medicamentos de venta libre más comunes cuando haga falta (por ejemplo, para la fiebre, un dolor de cabeza o una picadura de insecto).\n2. Darle el tratamiento que su enfermedad requiera durante el campamento, según el plan de su médico tratante.\n3. En una emergencia, darle la atención que el equipo médico considere necesaria y llevarle al hospital o al servicio de urgencias más cercano, en ambulancia si hace falta.\n\nEl campamento intentará comunicarse conmigo, o con mis contactos de emergencia, lo antes posible cuando mi hijo o hija necesite algo más que los cuidados habituales, y de inmediato en una emergencia. Si no se puede localizar a nadie, el tratamiento no se retrasará.\n\nConfirmo que la información médica del perfil de mi hijo o hija (enfermedades, alergias, medicamentos y necesidades alimentarias) es completa y correcta, y que avisaré al campamento de cualquier cambio antes de que empiece. Entiendo que el equipo médico se basa en ella.\n\nAcepto que el equipo médico del campamento comparta la información de salud de mi hijo o hija con el personal del hospital y con otros profesionales de la salud que le atiendan, solo en la medida necesaria para su cuidado.\n\nEste consentimiento es válido para las fechas de este campamento. Puedo retirarlo por escrito en cualquier momento; en ese caso, es posible que mi hijo o hija no pueda participar.',
    },
    {
        'key': 'liability_waiver',
        'required': True,
        'title': 'Participation agreement and release of liability',
        'body': "I am the parent or legal guardian of the child named in this registration, and I agree to my child taking part in this camp and its activities.\n\nI understand that camp activities (such as swimming, hiking, sports, arts and crafts, campfires and outings) carry some risk of injury or illness, even with careful supervision. The hospital and the camp train their staff and volunteers, follow safety rules and adapt activities to each child's health, but they cannot remove every risk.\n\nI agree that:\n\n1. My child will follow the camp's rules and the instructions of the staff. If my child's behavior puts my child or others at risk, the camp may call me to pick my child up.\n2. I will tell the camp about anything that could affect my child's safety, and keep my contact details and those of my emergency contacts up to date, so that I can be reached at all times during camp.\n3. The camp is not responsible for personal belongings that are lost or damaged.\n4. To the extent the law allows, I release the hospital, the camp, their staff and volunteers from claims for injury, illness or loss that arise from my child's ordinary participation in camp activities. This release does not cover harm caused by gross negligence or willful misconduct, and it does not limit any right that the law does not allow to be waived.\n\nI have read this agreement, I have had the chance to ask questions about it, and I sign it freely.",
        'title_es': 'Acuerdo de participación y exención de responsabilidad',
        'body_es': 'Soy el padre, la madre o el tutor legal del niño o de la niña que figura en esta inscripción y acepto que participe en este campamento y en sus actividades.\n\nEntiendo que las actividades del campamento (como la natación, las caminatas, los deportes, las manualidades, las fogatas y las excursiones) conllevan cierto riesgo de lesión o enfermedad, incluso con una supervisión cuidadosa. El hospital y el campamento forman a su personal y a sus voluntarios, siguen normas de seguridad y adaptan las actividades a la salud de cada niño, pero no pueden eliminar todos los riesgos.\n\nAcepto que:\n\n1. Mi hijo o hija seguirá las normas del campamento y las indicaciones del personal. Si su comportamiento pone en riesgo su seguridad o la de otras personas, el campamento podrá pedirme que le recoja.\n2. Informaré al campamento de todo lo que pueda afectar a la seguridad de mi hijo o hija y mantendré al día mis datos de contacto y los de mis contactos de emergencia, para que puedan localizarme en todo momento durante el campamento.\n3. El campamento no se hace responsable de los objetos personales perdidos o dañados.\n4. En la medida en que la ley lo permita, eximo al hospital, al campamento, a su personal y a sus voluntarios de toda reclamación por lesiones, enfermedades o pérdidas que se deriven de la participación normal de mi hijo o hija en las actividades del campamento. Esta exención no cubre los daños causados por negligencia grave o conducta intencionada, ni limita ningún derecho al que la ley no permita renunciar.\n\nHe leído este acuerdo, he tenido la oportunidad de hacer preguntas sobre él y lo firmo libremente.',
    },
    {
        'key': 'photo_release',
        'required': False,
        'title': 'Photo and video release',
        'body': "This consent is optional: your child can take part in camp whether or not you accept it.\n\nStaff and volunteers take photos and short videos during camp to share the week with families and to tell others about the camp. If you accept, the hospital may use photos and videos in which your child appears:\n\n- in the photo album shared with the families of this camp;\n- in the hospital's newsletters, website, social media and printed materials about its camps;\n- in materials that help raise funds for the camps, so more children can attend.\n\nThe hospital will never publish your child's last name, diagnosis or any medical detail with a photo, and will not sell the photos. No one will be paid for them.\n\nIf you do not accept, staff will do their best to leave your child out of photos that are shared beyond the camp team. You may withdraw this consent at any time by writing to the camp; photos already printed cannot be recalled, but they will not be used again.",
        'title_es': 'Autorización de fotos y videos',
        'body_es': 'Esta autorización es opcional: su hijo o hija puede participar en el campamento tanto si la acepta como si no.\n\nEl personal y los voluntarios toman fotos y videos cortos durante el campamento para compartir la semana con las familias y dar a conocer el campamento. Si usted acepta, el hospital podrá usar fotos y videos en los que aparezca su hijo o hija:\n\n- en el álbum de fotos que se comparte con las familias de este campamento;\n- en los boletines, el sitio web, las redes sociales y los materiales impresos del hospital sobre sus campamentos;\n- en materiales que ayudan a recaudar fondos para los campamentos, para que más niños puedan asistir.\n\nEl hospital nunca publicará con una foto el apellido de su hijo o hija, su diagnóstico ni ningún dato médico, y no venderá las fotos. Nadie recibirá pago por ellas.\n\nSi no acepta, el personal hará todo lo posible para que su hijo o hija no aparezca en las fotos que se compartan fuera del equipo del campamento. Puede retirar esta autorización en cualquier momento escribiendo al campamento; las fotos ya impresas no se pueden recuperar, pero no se volverán a usar.',
    },
]


def _tables():
    documents = op.create_table(
        "consent_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_consent_documents_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_documents")),
        sa.UniqueConstraint("event_id", "key", name="uq_consent_documents_event_key"),
    )
    with op.batch_alter_table("consent_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_documents_event_id"), ["event_id"], unique=False
        )
    versions = op.create_table(
        "consent_document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_es", sa.String(length=200), nullable=False),
        sa.Column("body_es", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_consent_document_versions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consent_documents.id"],
            name=op.f("fk_consent_document_versions_document_id_consent_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_document_versions")),
        sa.UniqueConstraint(
            "document_id", "version", name="uq_consent_document_versions_version"
        ),
    )
    signings = op.create_table(
        "consent_signings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_consent_signings_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_consent_signings_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_consent_signings_signed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_signings")),
    )
    with op.batch_alter_table("consent_signings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_signings_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_signings_household_id"), ["household_id"], unique=False
        )
    answers = op.create_table(
        "signed_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signing_id", sa.Integer(), nullable=False),
        sa.Column("document_version_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_version_id"],
            ["consent_document_versions.id"],
            name=op.f("fk_signed_consents_document_version_id_consent_document_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["signing_id"],
            ["consent_signings.id"],
            name=op.f("fk_signed_consents_signing_id_consent_signings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_consents")),
        sa.UniqueConstraint(
            "signing_id", "document_version_id", name="uq_signed_consents_signing_version"
        ),
    )
    with op.batch_alter_table("signed_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signed_consents_signing_id"), ["signing_id"], unique=False
        )
    return documents, versions, signings, answers


def _seed_documents(connection, documents, versions, now) -> dict:
    """The standard documents, version 1, for every existing event: {(event_id, key): version
    id}."""
    found = {}
    for (event_id,) in connection.execute(sa.text("SELECT id FROM events ORDER BY id")):
        for position, default in enumerate(DEFAULT_DOCUMENTS):
            document_id = connection.execute(
                documents.insert().returning(documents.c.id),
                {
                    "event_id": event_id,
                    "key": default["key"],
                    "position": position,
                    "required": default["required"],
                    "retired": False,
                    "version": 1,
                    "created_at": now,
                },
            ).scalar_one()
            version_id = connection.execute(
                versions.insert().returning(versions.c.id),
                {
                    "document_id": document_id,
                    "version": 1,
                    "title": default["title"],
                    "body": default["body"],
                    "title_es": default["title_es"],
                    "body_es": default["body_es"],
                    "created_at": now,
                    "created_by_id": None,
                },
            ).scalar_one()
            found[(event_id, default["key"])] = version_id
    return found


def _backfill_registrations(connection, version_ids, answers) -> None:
    used = set()
    rows = connection.execute(
        sa.text(
            "SELECT id, event_id, household_id, signed_by_id, signature, signed_at, "
            "consent_medical_treatment, consent_liability_waiver, consent_photo_release "
            "FROM registrations ORDER BY id"
        )
    ).mappings()
    for row in list(rows):
        reference = ""
        while not reference or reference in used:
            reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        used.add(reference)
        # As text: signed_at goes back as it was read (a string on SQLite).
        signing_id = connection.execute(
            sa.text(
                "INSERT INTO consent_signings "
                "(event_id, household_id, signed_by_id, signature, signed_at) "
                "VALUES (:event_id, :household_id, :signed_by_id, :signature, :signed_at) "
                "RETURNING id"
            ),
            {
                "event_id": row["event_id"],
                "household_id": row["household_id"],
                "signed_by_id": row["signed_by_id"],
                "signature": row["signature"],
                "signed_at": row["signed_at"],
            },
        ).scalar_one()
        connection.execute(
            answers.insert(),
            [
                {
                    "signing_id": signing_id,
                    "document_version_id": version_ids[(row["event_id"], key)],
                    "accepted": bool(row[column]),
                }
                for key, column in ANSWER_COLUMNS.items()
            ],
        )
        connection.execute(
            sa.text("UPDATE registrations SET reference = :reference, signing_id = :signing "
                    "WHERE id = :id"),
            {"reference": reference, "signing": signing_id, "id": row["id"]},
        )


def upgrade():
    documents, versions, _signings, answers = _tables()
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("signing_id", sa.Integer(), nullable=True))
    connection = op.get_bind()
    version_ids = _seed_documents(connection, documents, versions, datetime.now(UTC))
    _backfill_registrations(connection, version_ids, answers)
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("reference", existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column("signing_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_registrations_reference"), ["reference"])
        batch_op.create_index(
            batch_op.f("ix_registrations_signing_id"), ["signing_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_signing_id_consent_signings"),
            "consent_signings",
            ["signing_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_registrations_signing_id_consent_signings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_registrations_signing_id"))
        batch_op.drop_constraint(batch_op.f("uq_registrations_reference"), type_="unique")
        batch_op.drop_column("signing_id")
        batch_op.drop_column("reference")
    with op.batch_alter_table("signed_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_consents_signing_id"))
    op.drop_table("signed_consents")
    with op.batch_alter_table("consent_signings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_signings_household_id"))
        batch_op.drop_index(batch_op.f("ix_consent_signings_event_id"))
    op.drop_table("consent_signings")
    op.drop_table("consent_document_versions")
    with op.batch_alter_table("consent_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_documents_event_id"))
    op.drop_table("consent_documents")
