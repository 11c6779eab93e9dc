"""Admin additions for staff sign-in: the two-step pages and their item in the account menu."""

from wagtail import hooks

from . import twofactor


@hooks.register("register_admin_urls")
def two_step_urls():
    return twofactor.urlpatterns


@hooks.register("register_account_menu_item")
def two_step_account_item(request):
    return twofactor.account_menu_item(request)
