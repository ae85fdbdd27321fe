"""The hospital's default consent documents: every new event starts with these three, and
coordinators edit them per event (each change is a new version; see events/consents.py).

Plain words a parent can follow, in English and Spanish. The hospital's legal team should
review them before a real season: they are a sensible starting point, not legal advice.
Migration 0013_consent keeps its own frozen copy of these texts for the events that existed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultDocument:
    key: str
    required: bool
    title: str
    body: str
    title_es: str
    body_es: str


MEDICAL_TREATMENT = DefaultDocument(
    key="medical_treatment",
    required=True,
    title="Consent to medical treatment",
    body="""\
I am the parent or legal guardian of the child named in this registration.

While my child is at camp, the camp's medical team (physicians, nurses and other licensed \
health professionals from the hospital) will look after my child's health. I authorize them to:

1. Give my child routine care, including first aid, the medications listed in my child's \
profile, and common over-the-counter medicines when needed (for example for a fever, a \
headache or an insect bite).
2. Give my child the treatment their medical condition requires at camp, following the plan \
of my child's treating physician.
3. In an emergency, give my child the care that the medical team judges necessary, and have \
my child taken to the hospital or the nearest emergency department, by ambulance if needed.

The camp will try to reach me, or my emergency contacts, as soon as possible whenever my \
child needs more than routine care, and at once in an emergency. If nobody can be reached, \
treatment will not be delayed.

I confirm that the medical information in my child's profile (conditions, allergies, \
medications and dietary needs) is complete and correct, and I will tell the camp about any \
change before camp starts. I understand that the medical team relies on it.

I agree that the camp's medical team may share my child's health information with the \
hospital's staff and other health professionals treating my child, only as far as needed for \
my child's care.

This consent is valid for the dates of this camp. I may withdraw it in writing at any time; \
my child may then be unable to take part.""",
    title_es="Consentimiento para tratamiento médico",
    body_es="""\
Soy el padre, la madre o el tutor legal del niño o de la niña que figura en esta inscripción.

Mientras esté en el campamento, el equipo médico del campamento (médicos, personal de \
enfermería y otros profesionales de la salud del hospital) cuidará de la salud de mi hijo o \
hija. Les autorizo a:

1. Dar a mi hijo o hija los cuidados habituales, incluidos los primeros auxilios, los \
medicamentos que constan en su perfil y los medicamentos de venta libre más comunes cuando \
haga falta (por ejemplo, para la fiebre, un dolor de cabeza o una picadura de insecto).
2. Darle el tratamiento que su enfermedad requiera durante el campamento, según el plan de su \
médico tratante.
3. En una emergencia, darle la atención que el equipo médico considere necesaria y llevarle \
al hospital o al servicio de urgencias más cercano, en ambulancia si hace falta.

El campamento intentará comunicarse conmigo, o con mis contactos de emergencia, lo antes \
posible cuando mi hijo o hija necesite algo más que los cuidados habituales, y de inmediato \
en una emergencia. Si no se puede localizar a nadie, el tratamiento no se retrasará.

Confirmo que la información médica del perfil de mi hijo o hija (enfermedades, alergias, \
medicamentos y necesidades alimentarias) es completa y correcta, y que avisaré al campamento \
de cualquier cambio antes de que empiece. Entiendo que el equipo médico se basa en ella.

Acepto que el equipo médico del campamento comparta la información de salud de mi hijo o \
hija con el personal del hospital y con otros profesionales de la salud que le atiendan, solo \
en la medida necesaria para su cuidado.

Este consentimiento es válido para las fechas de este campamento. Puedo retirarlo por escrito \
en cualquier momento; en ese caso, es posible que mi hijo o hija no pueda participar.""",
)

LIABILITY_WAIVER = DefaultDocument(
    key="liability_waiver",
    required=True,
    title="Participation agreement and release of liability",
    body="""\
I am the parent or legal guardian of the child named in this registration, and I agree to my \
child taking part in this camp and its activities.

I understand that camp activities (such as swimming, hiking, sports, arts and crafts, \
campfires and outings) carry some risk of injury or illness, even with careful supervision. \
The hospital and the camp train their staff and volunteers, follow safety rules and adapt \
activities to each child's health, but they cannot remove every risk.

I agree that:

1. My child will follow the camp's rules and the instructions of the staff. If my child's \
behavior puts my child or others at risk, the camp may call me to pick my child up.
2. I will tell the camp about anything that could affect my child's safety, and keep my \
contact details and those of my emergency contacts up to date, so that I can be reached at \
all times during camp.
3. The camp is not responsible for personal belongings that are lost or damaged.
4. To the extent the law allows, I release the hospital, the camp, their staff and \
volunteers from claims for injury, illness or loss that arise from my child's ordinary \
participation in camp activities. This release does not cover harm caused by gross \
negligence or willful misconduct, and it does not limit any right that the law does not \
allow to be waived.

I have read this agreement, I have had the chance to ask questions about it, and I sign it \
freely.""",
    title_es="Acuerdo de participación y exención de responsabilidad",
    body_es="""\
Soy el padre, la madre o el tutor legal del niño o de la niña que figura en esta inscripción \
y acepto que participe en este campamento y en sus actividades.

Entiendo que las actividades del campamento (como la natación, las caminatas, los deportes, \
las manualidades, las fogatas y las excursiones) conllevan cierto riesgo de lesión o \
enfermedad, incluso con una supervisión cuidadosa. El hospital y el campamento forman a su \
personal y a sus voluntarios, siguen normas de seguridad y adaptan las actividades a la salud \
de cada niño, pero no pueden eliminar todos los riesgos.

Acepto que:

1. Mi hijo o hija seguirá las normas del campamento y las indicaciones del personal. Si su \
comportamiento pone en riesgo su seguridad o la de otras personas, el campamento podrá \
pedirme que le recoja.
2. Informaré al campamento de todo lo que pueda afectar a la seguridad de mi hijo o hija y \
mantendré al día mis datos de contacto y los de mis contactos de emergencia, para que puedan \
localizarme en todo momento durante el campamento.
3. El campamento no se hace responsable de los objetos personales perdidos o dañados.
4. En la medida en que la ley lo permita, eximo al hospital, al campamento, a su personal y a \
sus voluntarios de toda reclamación por lesiones, enfermedades o pérdidas que se deriven de la \
participación normal de mi hijo o hija en las actividades del campamento. Esta exención no \
cubre los daños causados por negligencia grave o conducta intencionada, ni limita ningún \
derecho al que la ley no permita renunciar.

He leído este acuerdo, he tenido la oportunidad de hacer preguntas sobre él y lo firmo \
libremente.""",
)

PHOTO_RELEASE = DefaultDocument(
    key="photo_release",
    required=False,
    title="Photo and video release",
    body="""\
This consent is optional: your child can take part in camp whether or not you accept it.

Staff and volunteers take photos and short videos during camp to share the week with \
families and to tell others about the camp. If you accept, the hospital may use photos and \
videos in which your child appears:

- in the photo album shared with the families of this camp;
- in the hospital's newsletters, website, social media and printed materials about its camps;
- in materials that help raise funds for the camps, so more children can attend.

The hospital will never publish your child's last name, diagnosis or any medical detail with \
a photo, and will not sell the photos. No one will be paid for them.

If you do not accept, staff will do their best to leave your child out of photos that are \
shared beyond the camp team. You may withdraw this consent at any time by writing to the \
camp; photos already printed cannot be recalled, but they will not be used again.""",
    title_es="Autorización de fotos y videos",
    body_es="""\
Esta autorización es opcional: su hijo o hija puede participar en el campamento tanto si la \
acepta como si no.

El personal y los voluntarios toman fotos y videos cortos durante el campamento para \
compartir la semana con las familias y dar a conocer el campamento. Si usted acepta, el \
hospital podrá usar fotos y videos en los que aparezca su hijo o hija:

- en el álbum de fotos que se comparte con las familias de este campamento;
- en los boletines, el sitio web, las redes sociales y los materiales impresos del hospital \
sobre sus campamentos;
- en materiales que ayudan a recaudar fondos para los campamentos, para que más niños puedan \
asistir.

El hospital nunca publicará con una foto el apellido de su hijo o hija, su diagnóstico ni \
ningún dato médico, y no venderá las fotos. Nadie recibirá pago por ellas.

Si no acepta, el personal hará todo lo posible para que su hijo o hija no aparezca en las \
fotos que se compartan fuera del equipo del campamento. Puede retirar esta autorización en \
cualquier momento escribiendo al campamento; las fotos ya impresas no se pueden recuperar, \
pero no se volverán a usar.""",
)

DEFAULT_DOCUMENTS = (MEDICAL_TREATMENT, LIABILITY_WAIVER, PHOTO_RELEASE)
STANDARD_KEYS = tuple(d.key for d in DEFAULT_DOCUMENTS)
