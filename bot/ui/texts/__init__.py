"""Message templates. Every text a person reads is built here, through gettext.

``from bot.ui import texts`` gives all of them; each submodule holds one part of the service.
"""

from bot.ui.texts.activity_admin import *  # noqa: F403
from bot.ui.texts.asking import *  # noqa: F403
from bot.ui.texts.broadcast import *  # noqa: F403
from bot.ui.texts.common import *  # noqa: F403
from bot.ui.texts.coordination import *  # noqa: F403
from bot.ui.texts.escalation import *  # noqa: F403
from bot.ui.texts.onboarding import *  # noqa: F403
from bot.ui.texts.place_admin import *  # noqa: F403
from bot.ui.texts.places import *  # noqa: F403
from bot.ui.texts.preferences import *  # noqa: F403
from bot.ui.texts.privacy import *  # noqa: F403
from bot.ui.texts.proxies import *  # noqa: F403
from bot.ui.texts.reminders import *  # noqa: F403
from bot.ui.texts.reports import *  # noqa: F403
from bot.ui.texts.safety import *  # noqa: F403
from bot.ui.texts.tasks import *  # noqa: F403
from bot.ui.texts.voice import *  # noqa: F403
from bot.ui.texts.volunteers import *  # noqa: F403
