"""Sample posts for simulated phones: barriers to trust and solutions, in the
workshop languages (English, Spanish, Persian). Written in the respectful,
concrete register a facilitator hopes for; no real people or places.
"""
from __future__ import annotations

BARRIERS = {
    "en": [
        "Officers rarely explain why they stopped someone",
        "People are afraid that calling the police will bring immigration trouble",
        "We only see officers when something has gone wrong",
        "Complaints seem to disappear with no follow-up",
        "Young people feel watched rather than protected",
        "Officers do not live in the neighbourhoods they patrol",
        "Language barriers make reporting a crime very hard",
        "Past incidents were never publicly acknowledged",
        "Officers feel blamed for things that happened before they joined",
        "Rumours on social media spread faster than official information",
        "Residents do not know who their beat officer is",
        "Response times in our area feel much slower than elsewhere",
        "Community meetings are held when working people cannot attend",
        "Body camera footage is not shared even when people ask",
        "Officers are moved to new areas before they get to know anyone",
        "Traffic stops feel like they target certain groups",
        "Victims are not kept informed about their cases",
        "Police and youth have no place to meet outside of enforcement",
        "Officers sometimes feel unsafe and unsupported at community events",
        "There is no interpreter at the front desk of the station",
        "Use-of-force policies are not easy for the public to find",
        "Some residents had bad experiences with police in their home countries",
        "The data about stops and arrests is not published",
        "Faith leaders are rarely invited to help in a crisis",
        "Mental health calls are handled by armed officers",
        "Shift schedules leave no time for community policing",
        "Good work by officers is never reported or thanked",
        "Parents do not know their rights when their child is questioned",
        "Promises made at past meetings were not kept",
        "Officers and residents use different words for the same problems",
    ],
    "es": [
        "Los agentes casi nunca explican por qué detienen a alguien",
        "La gente teme que llamar a la policía traiga problemas migratorios",
        "Solo vemos a la policía cuando algo ya salió mal",
        "Las quejas desaparecen sin ningún seguimiento",
        "Los jóvenes se sienten vigilados en lugar de protegidos",
        "No hay intérpretes en la comisaría",
        "Los formularios de denuncia solo están en inglés",
        "Los incidentes del pasado nunca se reconocieron públicamente",
        "Los agentes cambian de zona antes de conocer a los vecinos",
        "Los rumores en redes sociales corren más rápido que la información oficial",
        "No sabemos quién es el agente de nuestro barrio",
        "Las reuniones comunitarias son a horas en que la gente trabaja",
        "Las víctimas no reciben noticias de sus casos",
        "Los controles de tráfico parecen dirigidos a ciertos grupos",
        "Los agentes se sienten culpados por hechos que no cometieron",
        "No hay un lugar donde policía y jóvenes se encuentren fuera de un operativo",
        "Las llamadas por salud mental las atienden agentes armados",
        "Los datos sobre detenciones no se publican",
        "Muchos vecinos tuvieron malas experiencias con la policía en su país de origen",
        "Las promesas de reuniones anteriores no se cumplieron",
        "Los padres no conocen sus derechos cuando interrogan a sus hijos",
        "El buen trabajo de los agentes nunca se reconoce",
        "Los líderes religiosos casi nunca participan en las crisis",
        "Los tiempos de respuesta en nuestra zona son más largos",
        "Las grabaciones de las cámaras corporales no se comparten",
        "Los turnos no dejan tiempo para conocer a la comunidad",
        "Las políticas sobre uso de la fuerza son difíciles de encontrar",
        "Los agentes no se sienten seguros en algunos eventos comunitarios",
        "Nadie explica qué pasa después de hacer una denuncia",
        "Policía y vecinos usan palabras distintas para los mismos problemas",
    ],
    "fa": [
        "مأموران معمولاً دلیل متوقف کردن افراد را توضیح نمی‌دهند",
        "مردم می‌ترسند تماس با پلیس برایشان مشکل اقامتی درست کند",
        "ما پلیس را فقط وقتی می‌بینیم که اتفاق بدی افتاده است",
        "شکایت‌ها بدون هیچ پیگیری گم می‌شوند",
        "جوانان احساس می‌کنند زیر نظرند نه در امان",
        "در کلانتری مترجم وجود ندارد",
        "فرم‌های گزارش فقط به زبان انگلیسی است",
        "حوادث گذشته هیچ‌وقت به‌طور علنی پذیرفته نشد",
        "مأموران پیش از آشنا شدن با محله به جای دیگری منتقل می‌شوند",
        "شایعه‌ها در شبکه‌های اجتماعی سریع‌تر از خبر رسمی پخش می‌شوند",
        "نمی‌دانیم مأمور محله ما کیست",
        "جلسه‌های محله در ساعتی است که مردم سر کارند",
        "قربانیان از روند پرونده خود باخبر نمی‌شوند",
        "به نظر می‌رسد توقف‌های رانندگی گروه‌های خاصی را هدف می‌گیرد",
        "مأموران برای اتفاقاتی سرزنش می‌شوند که پیش از آنها رخ داده",
        "جایی نیست که پلیس و جوانان بیرون از مأموریت همدیگر را ببینند",
        "تماس‌های مربوط به سلامت روان را مأموران مسلح پاسخ می‌دهند",
        "آمار توقف‌ها و بازداشت‌ها منتشر نمی‌شود",
        "بسیاری از همسایه‌ها در کشور خود تجربه بدی از پلیس داشته‌اند",
        "قول‌های جلسه‌های قبلی عملی نشد",
        "والدین حقوق خود را هنگام بازجویی از فرزندشان نمی‌دانند",
        "کار خوب مأموران هیچ‌وقت دیده و قدردانی نمی‌شود",
        "رهبران دینی به‌ندرت در بحران‌ها دعوت می‌شوند",
        "زمان رسیدن پلیس به محله ما طولانی‌تر است",
        "فیلم دوربین‌های همراه مأموران در اختیار مردم قرار نمی‌گیرد",
        "برنامه شیفت‌ها وقتی برای آشنایی با مردم باقی نمی‌گذارد",
        "سیاست‌های استفاده از زور به‌راحتی در دسترس نیست",
        "مأموران در برخی مراسم محلی احساس امنیت نمی‌کنند",
        "کسی توضیح نمی‌دهد بعد از گزارش دادن چه اتفاقی می‌افتد",
        "پلیس و مردم برای یک مشکل واژه‌های متفاوتی به کار می‌برند",
    ],
}

SOLUTIONS = {
    "en": [
        "Hand out a card after every stop explaining the reason and how to give feedback",
        "Hold a monthly coffee with the beat officer at the community centre",
        "Publish stop and complaint data every quarter in plain language",
        "Train officers and residents together in de-escalation",
        "Keep officers in the same neighbourhood for at least two years",
        "Offer interpreters by phone at the front desk",
        "Send victims a text update at each step of their case",
        "Start a youth and police sports league",
        "Create a community advisory board that reviews policies",
        "Send mental health professionals with officers on crisis calls",
        "Translate report forms into Spanish and Persian",
        "Hold meetings in the evening with childcare provided",
        "Invite faith leaders to a rapid response network",
        "Report back on every promise made at this workshop within 90 days",
        "Introduce new officers to residents at a neighbourhood walk",
        "Share a know-your-rights guide written with officers and parents",
    ],
    "es": [
        "Entregar una tarjeta después de cada control con el motivo y cómo opinar",
        "Un café mensual con el agente del barrio en el centro comunitario",
        "Publicar cada trimestre los datos de controles y quejas en lenguaje claro",
        "Capacitar juntos a agentes y vecinos en desescalada",
        "Mantener a los agentes en el mismo barrio al menos dos años",
        "Ofrecer intérpretes por teléfono en la comisaría",
        "Enviar a las víctimas un mensaje en cada etapa de su caso",
        "Crear una liga deportiva de jóvenes y policías",
        "Formar un consejo comunitario que revise las políticas",
        "Enviar profesionales de salud mental junto a los agentes en las crisis",
        "Traducir los formularios de denuncia al español y al persa",
        "Hacer reuniones por la tarde con cuidado de niños",
        "Invitar a líderes religiosos a una red de respuesta rápida",
        "Informar en 90 días sobre cada compromiso de este taller",
        "Presentar a los nuevos agentes en un paseo por el barrio",
        "Una guía de derechos escrita por agentes y padres",
    ],
    "fa": [
        "پس از هر توقف کارتی با دلیل آن و راه ثبت نظر داده شود",
        "دیدار ماهانه با مأمور محله در مرکز محله",
        "انتشار فصلی آمار توقف‌ها و شکایت‌ها به زبان ساده",
        "آموزش مشترک مأموران و ساکنان برای کاهش تنش",
        "مأموران دست‌کم دو سال در یک محله بمانند",
        "مترجم تلفنی در پذیرش کلانتری",
        "ارسال پیامک به قربانیان در هر مرحله از پرونده",
        "راه‌اندازی لیگ ورزشی مشترک جوانان و پلیس",
        "تشکیل شورای مشورتی محله برای بازبینی سیاست‌ها",
        "همراهی متخصصان سلامت روان با مأموران در تماس‌های بحران",
        "ترجمه فرم‌های گزارش به اسپانیایی و فارسی",
        "برگزاری جلسه‌ها در عصر همراه با نگهداری از کودکان",
        "دعوت از رهبران دینی به شبکه واکنش سریع",
        "گزارش درباره هر قول این کارگاه ظرف ۹۰ روز",
        "معرفی مأموران تازه به ساکنان در یک پیاده‌روی محلی",
        "راهنمای حقوق شهروندی که مأموران و والدین با هم نوشته‌اند",
    ],
}

STRENGTHS = {
    "en": [
        "Some officers already coach youth football on weekends",
        "Faith communities open their halls for neighbourhood meetings",
        "The community liaison officer answers messages quickly",
        "Local businesses sponsor the summer safety fair",
        "Volunteers translate notices into several languages",
        "The new complaint form is short and easy to find",
        "Neighbourhood watch groups meet every month",
        "Schools invite officers to career days",
    ],
    "es": [
        "Algunos agentes entrenan a equipos juveniles los fines de semana",
        "Las comunidades de fe abren sus salones para reuniones del barrio",
        "El agente de enlace comunitario responde rápido los mensajes",
        "Los comercios locales patrocinan la feria de seguridad de verano",
        "Voluntarios traducen los avisos a varios idiomas",
    ],
    "fa": [
        "برخی از مأموران آخر هفته‌ها به تیم‌های فوتبال نوجوانان کمک می‌کنند",
        "جوامع دینی سالن‌های خود را برای جلسات محله باز می‌کنند",
        "افسر رابط جامعه به پیام‌ها زود پاسخ می‌دهد",
        "کسب‌وکارهای محلی از جشنواره ایمنی تابستان حمایت می‌کنند",
        "داوطلبان اطلاعیه‌ها را به چند زبان ترجمه می‌کنند",
    ],
}

# A solution room's answers to the guiding questions of its draft (plan entry fields), for `rehearse --auto`.
PLAN_ANSWERS = {
    "problem": "Residents and officers rarely meet outside of emergencies",
    "causes": "Short postings, no shared spaces, meetings at hours people work",
    "options": "Monthly listening sessions; a youth league; a liaison in each district",
    "solution": "Hold a monthly listening session in each district, in the evening",
    "actions": "Book venues; announce in three languages; report back each month",
    "owner": "The district commander and the neighbourhood council",
    "timeline": "First session within two months, then monthly",
    "resources": "A meeting room, interpreters, light refreshments",
    "success_measure": "Attendance, follow-ups closed, and a yearly trust survey",
}

GROUPS = ["law_enforcement", "community_member", "community_org", "government_other"]
# Roughly a real SPCP room: community members the largest group, then police.
GROUP_WEIGHTS = [3, 5, 2, 1]
LANGUAGE_WEIGHTS = {"en": 6, "es": 3, "fa": 2}
NAMES = ["Ana", "Ben", "Carmen", "Dariush", "Eli", "Farah", "Grace", "Hector", "Ines", "Javad", "Kim", "Leila",
         "Marcus", "Nasrin", "Omar", "Paula", "Reza", "Sofia", "Tom", "Yasmin"]


def barrier_text(rng, language: str) -> str:
    return rng.choice(BARRIERS.get(language) or BARRIERS["en"])


def solution_text(rng, language: str) -> str:
    return rng.choice(SOLUTIONS.get(language) or SOLUTIONS["en"])


def strength_text(rng, language: str) -> str:
    return rng.choice(STRENGTHS.get(language) or STRENGTHS["en"])
