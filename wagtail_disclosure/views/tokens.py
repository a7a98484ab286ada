"""Admin screen of the staff API tokens (**Disclosure → API tokens**), a ModelViewSet.

Everyone with admin access makes, lists and revokes their own tokens. Superusers and the
disclosure office (its role held for every department) see and revoke everyone's: they
answer for the API's use, and may have to cut a leaked key off at once. The key is shown
exactly once, in the answer to the creation; tokens are never edited.
"""

from django import forms
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import CreateView, DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from ..compat import HAS_POLICY_REGISTRY
from ..models import ApiToken
from ..people import person_name
from ..permissions import api_token_permission_policy, can_manage_roles


def visible_tokens(user):
    return api_token_permission_policy.instances_user_has_permission_for(user, "view")


class ApiTokenForm(WagtailAdminModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires_at"]

    def clean_expires_at(self):
        from django.utils import timezone

        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


def _owner(token):
    return person_name(token.user)


def _status(token):
    return token.status()


class ApiTokenIndexView(IndexView):
    results_template_name = "wagtail_disclosure/admin/index_results.html"

    def get_base_queryset(self):
        return visible_tokens(self.request.user).select_related("user")

    @cached_property
    def columns(self):
        columns = [
            self._get_title_column("name"),  # with the row's buttons (Revoke)
            Column("prefix", label=_("Key starts with")),
        ]
        if can_manage_roles(self.request.user):
            columns.append(
                Column("user", label=_("User"), accessor=_owner, sort_key="user__username")
            )
        return columns + [
            DateColumn("created_at", label=_("Created"), sort_key="created_at"),
            DateColumn("last_used_at", label=_("Last used"), sort_key="last_used_at"),
            DateColumn("expires_at", label=_("Expires"), sort_key="expires_at"),
            Column("status", label=_("Status"), accessor=_status),
        ]

    def get_list_more_buttons(self, instance):
        return []

    def get_list_buttons(self, instance):
        if instance.is_revoked:
            return []
        return [
            ListingButton(
                _("Revoke"),
                url=self.get_delete_url(instance),
                icon_name="bin",
                classname="serious",
                attrs={"aria-label": _("Revoke “%(token)s”") % {"token": instance}},
            )
        ]


class ApiTokenCreateView(CreateView):
    """Makes a token for the signed-in user and shows its key, once, in the answer."""

    created_template_name = "wagtail_disclosure/admin/api_token_created.html"

    def save_instance(self):
        data = self.form.cleaned_data
        token, self.key = ApiToken.objects.create_token(
            user=self.request.user, name=data["name"], expires_at=data.get("expires_at")
        )
        return token

    def save_action(self):
        context = self.get_context_data(
            form=self.form, token=self.object, key=self.key, index_url=self.get_success_url()
        )
        response = TemplateResponse(self.request, self.created_template_name, context)
        response["Cache-Control"] = "private, no-store"
        return response


class ApiTokenRevokeView(DeleteView):
    """Revokes (the row stays, with the time of revocation) instead of deleting."""

    template_name = "wagtail_disclosure/admin/api_token_revoke.html"
    page_title = _("Revoke API token")
    success_message = _("API token “%(object)s” revoked.")

    def get_queryset(self):
        # Others' tokens (for those who may not see them) are not found: 404.
        return visible_tokens(self.request.user).filter(revoked_at__isnull=True)

    @property
    def confirmation_message(self):
        return _(
            "Revoke this token? Programs that use it are refused from the next request. "
            "This cannot be undone."
        )

    def get_usage_url(self):
        return None

    def delete_action(self):
        self.object.revoke()


class ApiTokenViewSet(ModelViewSet):
    name = "disclosure_api_tokens"
    model = ApiToken
    icon = "key"
    menu_label = _("API tokens")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ApiTokenIndexView
    add_view_class = ApiTokenCreateView
    delete_view_class = ApiTokenRevokeView
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("expires_at")], base_form_class=ApiTokenForm
    )

    def get_permissions_to_register(self):
        # Access is decided by ApiTokenPermissionPolicy, not by model permissions.
        from django.contrib.auth.models import Permission

        return Permission.objects.none()

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = api_token_permission_policy
