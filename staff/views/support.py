"""AWS Support cases for provider staff (/staff/aws-accounts/…/support/, /staff/support-cases/…):
per AWS account, its cases and a "Request an increase" form (spend limit, MPS, quotas); per case,
the exact case text and attachments (to file it in the console when the account has no support
plan), AWS's replies, staff's answers, and what the tenant may see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from registrations.models import SupportCase, SupportMessage
from registrations.services import support, support_text
from staff import selectors
from staff.forms import SupportCaseActionForm, SupportIncreaseForm
from tenants.permissions import staff_view


def _account(account_id: int | None):
    if account_id is None:
        return None
    account = selectors.aws_account_get(pk=account_id)
    if account is None:
        raise Http404("No such AWS account.")
    return account


def _account_page(request, account, form, status: int = 200) -> HttpResponse:
    context = {
        "account": account,
        "cases": selectors.support_case_list(aws_account=account),
        "form": form,
    }
    return render(request, "staff/supportcase_list.html", context, status=status)


@staff_view()
@require_GET
def account_cases(request: HttpRequest, account_id: int | None = None) -> HttpResponse:
    """`?kind=`, `?quota=`, `?number=`, `?value=` and `?justification=` (links from the
    readiness and sender pages) preselect what to increase."""
    initial = {}
    kinds = dict(SupportIncreaseForm.base_fields["kind"].choices)
    if request.GET.get("kind", "") in kinds:
        initial["kind"] = request.GET["kind"]
    for name in ("quota", "number", "value", "justification"):
        given = request.GET.get(name, "").strip()
        if given and len(given) <= SupportIncreaseForm.base_fields[name].max_length:
            initial[name] = given
    return _account_page(request, _account(account_id), SupportIncreaseForm(initial=initial))


@staff_view(act=True)
@require_POST
def account_request(request: HttpRequest, account_id: int | None = None) -> HttpResponse:
    account = _account(account_id)
    form = SupportIncreaseForm(request.POST)
    if not form.is_valid():
        return _account_page(request, account, form, status=400)
    data = form.cleaned_data
    try:
        case = support.support_case_request(
            tenant=account.tenant if account else None,
            actor=request.user,
            aws_account=account,
            kind=data["kind"],
            value=data["value"],
            justification=data["justification"],
            quota=data["quota"],
            number=data["number"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _account_page(request, account, form, status=400)
    messages.success(request, "Requested. The case is opened with AWS Support in a moment.")
    return redirect("staff_support_case", pk=case.pk)


def _case(pk: int) -> SupportCase:
    case = selectors.support_case_get(pk=pk)
    if case is None:
        raise Http404("No such case.")
    return case


def _case_page(request, case, form, status: int = 200) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "files": [f.name for f in support_text.case_files(case)],
        "messages_list": list(case.messages.all()),
    }
    return render(request, "staff/supportcase_detail.html", context, status=status)


@staff_view()
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(pk), SupportCaseActionForm())


@staff_view()
@require_GET
def case_file(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One file of the case, to attach when filing it in the console."""
    files = support_text.case_files(_case(pk))
    if not 0 <= index < len(files):
        raise Http404("No such file.")
    chosen = files[index]
    response = HttpResponse(chosen.data, content_type="application/octet-stream")
    safe = "".join(c for c in chosen.name if c.isalnum() or c in "._-") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


@staff_view(act=True)
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = SupportCaseActionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form, status=400)
    data, action = form.cleaned_data, form.cleaned_data["action"]
    try:
        if action == "filed":
            support.support_case_record_filed(
                case=case,
                actor=request.user,
                aws_case_id=data["aws_case_id"],
                display_id=data["display_id"],
            )
            done = "Recorded: the case is followed from now on."
        elif action == "paste":
            support.support_reply_paste(
                case=case, actor=request.user, body=data["body"], shared=data["shared"]
            )
            done = "AWS's reply is on the case."
        elif action == "answer":
            support.support_case_answer(
                case=case, actor=request.user, body=data["body"], shared=data["shared"]
            )
            done = (
                "Sent to AWS Support."
                if case.filing == SupportCase.Filing.API
                else "Recorded. Post it on the case in the AWS console."
            )
        elif action in ("share", "unshare"):
            message = SupportMessage.objects.filter(case=case, pk=data["message"] or 0).first()
            if message is None:
                raise ValidationError({"message": "No such message on this case."})
            support.support_message_share(
                message=message, actor=request.user, shared=action == "share"
            )
            done = "The tenant sees it." if action == "share" else "Hidden from the tenant."
        elif action in ("resolve", "reopen"):
            support.support_case_resolve(
                case=case, actor=request.user, resolved=action == "resolve"
            )
            done = (
                "Recorded: the case is resolved."
                if action == "resolve"
                else "Recorded: the case is open again."
            )
        else:
            if case.kind != SupportCase.Kind.SHORT_CODE:
                raise ValidationError({"short_code": "Only a short code case has a short code."})
            support.support_case_short_code_expect(
                case=case, actor=request.user, short_code=data["short_code"]
            )
            done = "Recorded: the short code is bound when it appears in the account."
    except PermissionDenied:
        raise
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return _case_page(request, case, form, status=400)
    messages.success(request, done)
    return redirect("staff_support_case", pk=case.pk)
