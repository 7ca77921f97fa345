import os

from django.core.asgi import get_asgi_application

from advisor.serving import refuse_development_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
application = get_asgi_application()
refuse_development_secret_key()
