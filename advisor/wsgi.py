import os

from django.core.wsgi import get_wsgi_application

from advisor.serving import refuse_development_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
application = get_wsgi_application()
refuse_development_secret_key()
