from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts import actions, notify, throttle
from labinov.accounts.forms import DigestForm, LoginForm, ProfileForm, TokenForm
from labinov.accounts.selectors import notifications_of, roles_of, tokens_of, unread_count
from labinov.core.errors import ActionError, NotAllowed


def _throttled(view, form, until, *, reset: bool = False):
    """The page again, with the sentence saying when to try again, as 429 Too Many Requests."""
    form.errors.clear()
    form.add_error(None, throttle.wait_message(until, reset=reset))
    response = view.render_to_response(view.get_context_data(form=form), status=429)
    response["Retry-After"] = str(throttle.retry_after_seconds(until))
    return response


class LoginView(auth_views.LoginView):
    """Django's login, answering 429 with a clear message while logins are locked
    (the backend counts failures and refuses every password during a lockout)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        until = throttle.login_locked_until(self.request, self.request.POST.get("username", ""))
        if until is not None:
            return _throttled(self, form, until)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per e-mail address and per client address. The
    answer is the same whether an account has the address or not."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        until = throttle.password_reset_refused_until(self.request, form.cleaned_data["email"])
        if until is not None:
            return _throttled(self, form, until, reset=True)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        actions.change_password(
            acting_user=self.request.user,
            user=self.request.user,
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.success_url)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        actions.change_password(
            acting_user=self.user,
            user=self.user,
            new_password=form.cleaned_data["new_password1"],
            via="reset",
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    initial = {f: getattr(user, f) or "" for f in actions.PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(acting_user=user, user=user, **form.cleaned_data)
        except ActionError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def profile(request):
    form = TokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": roles_of(request.user),
            "tokens": tokens_of(request.user),
            "form": form,
            "digest_form": DigestForm(initial={"daily_digest": request.user.daily_digest}),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    new_token = None
    if form.is_valid():
        try:
            _token, new_token = actions.create_api_token(
                acting_user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ActionError as exc:
            form.add_error(exc.field, exc.message)
        else:
            form = TokenForm()
    context = {"tokens": tokens_of(request.user), "form": form, "new_token": new_token}
    if request.htmx:
        return render(request, "accounts/_tokens.html", context)
    context["roles"] = roles_of(request.user)
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    actions.revoke_api_token(acting_user=request.user, token=token)
    done = _("The token was revoked.")
    if request.htmx:
        # Said in the swapped list itself: a queued message would only appear on the
        # next page the person opens, out of place.
        return render(
            request,
            "accounts/_tokens.html",
            {"tokens": tokens_of(request.user), "form": TokenForm(), "status": done},
        )
    messages.success(request, done)
    return redirect("accounts:profile")


@login_required
def notifications(request):
    page = Paginator(notifications_of(request.user), 50).get_page(request.GET.get("halaman"))
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "unread": unread_count(request)},
    )


def _refused(request, exc, status):
    return render(
        request,
        "accounts/notifications.html",
        {
            "page": Paginator(notifications_of(request.user), 50).get_page(1),
            "unread": unread_count(request),
            "error": exc.message if hasattr(exc, "message") else str(exc),
        },
        status=status,
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark the chosen notifications (``id``, repeatable), or all (``semua``), read."""
    try:
        notify.mark_read(
            acting_user=request.user,
            ids=request.POST.getlist("id"),
            every=bool(request.POST.get("semua")),
        )
    except ActionError as exc:
        return _refused(request, exc, 400)
    except NotAllowed as exc:
        return _refused(request, exc, 404)
    return redirect("accounts:notifications")


@login_required
@require_POST
def digest_setting(request):
    form = DigestForm(request.POST)
    if form.is_valid():
        notify.set_daily_digest(
            acting_user=request.user, user=request.user, enabled=form.cleaned_data["daily_digest"]
        )
        messages.success(
            request,
            _("You will receive the daily e-mail of your notifications.")
            if form.cleaned_data["daily_digest"]
            else _("You will no longer receive the daily e-mail of your notifications."),
        )
    return redirect("accounts:profile")
