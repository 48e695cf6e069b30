"""Staff pages of registrations (/staff/registrations/): the review queue, one review, the
pipeline, the AWS calls of one registration. Parse, authorise (decorators), call one service or
selector, render; registrations of every tenant; viewers look, reviewers act."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from compliance import selectors as compliance_selectors
from portal.paging import page_of
from registrations import overlay, throughput
from registrations.aws.errors import RetryableError
from registrations.selectors import version_under_review
from registrations.services import changes, provisioning
from registrations.services import review as review_services
from registrations.states import Status
from registrations.web.selectors import aws_view
from staff import selectors
from staff.forms import CancelForm, QueueFilterForm, ReturnForm, VettingScoreForm, prefixed
from tenants.permissions import staff_view


def _registration(pk: int):
    registration = selectors.registration_get_for_staff(pk=pk)
    if registration is None:
        raise Http404("No such registration.")
    return registration


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))


QUEUE_PAGE_SIZE = 100


@staff_view()
def queue(request: HttpRequest) -> HttpResponse:
    choices = selectors.queue_filter_choices()
    form = QueueFilterForm(request.GET or None, **choices)
    filters = form.filters()
    page = Paginator(selectors.queue_list(**filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "registrations": page.object_list,
        "query": query.urlencode(),
        "status_label": Status(filters["status"]).label,
        "tenants": selectors.tenant_choices(),
        "filters": filters,
    }
    return render(request, "staff/registration_queue.html", context)


@staff_view()
@csp_replace({"object-src": ["'self'"]})  # the PDF preview is an <object> of the attachment view
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _registration(pk))


def _review_page(request, registration, *, vetting_form=None, status=200) -> HttpResponse:
    version = version_under_review(registration)
    errors = [f for f in version.preflight_findings if f.get("severity") == "error"]
    compare = request.GET.get("compare", "")
    against = int(compare) if compare.isdigit() and int(compare) < version.number else None
    context = {
        "registration": registration,
        "version": version,
        "against": against or version.number - 1,
        "sections": selectors.review_rows(registration, version, against=against),
        "errors": errors,
        "warnings": [f for f in version.preflight_findings if f.get("severity") != "error"],
        "versions": registration.versions.order_by("-number"),
        "hosted_pages": [
            (
                page,
                compliance_selectors.hosted_page_url(
                    tenant=registration.tenant, kind=page.kind, number=page.number
                ),
            )
            for page in compliance_selectors.hosted_page_list(tenant=registration.tenant)
        ],
        "hosted_urls": compliance_selectors.hosted_page_urls(tenant=registration.tenant),
        "published": compliance_selectors.published_kinds(tenant=registration.tenant),
        "in_review": registration.status == Status.IN_REVIEW,
        "can_cancel": registration.status
        in (Status.IN_REVIEW, Status.QUEUED, Status.SUBMISSION_FAILED),
        **selectors.registration_history(registration),
        **aws_view(registration),
        **_vetting_context(registration, vetting_form),
    }
    return render(request, "staff/registration_review.html", context, status=status)


def _vetting_context(registration, form) -> dict:
    """A complete 10DLC brand vetting: the score staff read in AWS's console, and its class."""
    if registration.registration_type != overlay.VETTING:
        return {}
    score = registration.vetting_score
    return {
        "vetting": {
            "complete": registration.status == Status.COMPLETE,
            "class": throughput.ten_dlc_class(score) if score is not None else None,
            "form": form
            or VettingScoreForm(
                initial={"vetting_score": score, "source": registration.vetting_score_source}
            ),
        }
    }


@staff_view(act=True)
@require_POST
def vetting_score(request: HttpRequest, pk: int) -> HttpResponse:
    """Records a complete brand vetting's score (read in AWS's console; the API has none)."""
    registration = _registration(pk)
    form = VettingScoreForm(request.POST)
    if form.is_valid():
        try:
            provisioning.vetting_score_record(
                actor=request.user,
                registration=registration,
                score=form.cleaned_data["vetting_score"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            if registration.registration_type != overlay.VETTING or (
                registration.status != Status.COMPLETE
            ):
                # The page shows no score form there: the reason goes to the page's messages.
                messages.error(request, " ".join(exc.messages))
            else:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Vetting score recorded.")
            return redirect(f"{reverse('staff_registration_review', args=[pk])}#vetting-score")
    registration.refresh_from_db()
    return _review_page(request, registration, vetting_form=form, status=400)


@staff_view()
@xframe_options_sameorigin
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Serves an attachment of this registration to staff (never a public URL)."""
    registration = _registration(pk)
    item = selectors.attachment_for_staff(registration=registration, attachment_id=attachment_id)
    if item is None:
        raise Http404("No such attachment.")
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.sha256[:12]}"'
    response["X-Content-Type-Options"] = "nosniff"
    if item.content_type != "application/pdf":  # browsers' PDF viewers refuse a sandbox
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    else:  # the review page shows it in an <object>: same-origin framing only
        response._csp_replace = {"frame-ancestors": ["'self'"]}
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(act=True)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    overrides = prefixed(request.POST, "override:")
    try:
        review_services.version_review_approve(
            actor=request.user, registration=registration, overrides=overrides
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("staff_registration_review", pk=pk)
    messages.success(request, f"“{registration.name}” approved; it is queued for AWS.")
    return redirect("staff_registration_queue")


@staff_view(act=True)
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    form = ReturnForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        review_services.version_review_return(
            actor=request.user,
            registration=registration,
            comments=prefixed(request.POST, "comment:"),
            message=message,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("staff_registration_review", pk=pk)
    messages.success(request, f"“{registration.name}” returned to {registration.tenant.name}.")
    return redirect("staff_registration_queue")


@staff_view(act=True)
@require_POST
def preflight(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    findings = review_services.version_preflight_rerun(
        actor=request.user, registration=registration
    )
    errors = sum(1 for f in findings if f.severity == "error")
    messages.success(
        request, f"Preflight ran again: {errors} errors, {len(findings) - errors} warnings."
    )
    return redirect("staff_registration_review", pk=pk)


@staff_view()
def pipeline(request: HttpRequest) -> HttpResponse:
    lists = selectors.pipeline_lists()
    pages = {name: page_of(request, rows, param=f"{name}_page") for name, rows in lists.items()}
    return render(request, "staff/registration_pipeline.html", {"lists": pages})


@staff_view(act=True)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    try:
        review_services.registration_retry(actor=request.user, registration=registration)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"“{registration.name}” is queued again.")
    if request.POST.get("next") == "review":
        return redirect("staff_registration_review", pk=pk)
    return redirect("staff_registration_pipeline")


@staff_view(act=True)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    form = CancelForm(request.POST)
    try:
        review_services.registration_staff_cancel(
            actor=request.user,
            registration=registration,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"“{registration.name}” is cancelled.")
    return redirect("staff_registration_review", pk=pk)


@staff_view()
def aws_calls(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    context = {
        "registration": registration,
        "calls": selectors.aws_call_list(registration=registration),
        "version": registration.versions.newest(),
    }
    return render(request, "staff/awscall_list.html", context)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, RetryableError):
        return f"AWS is busy ({exc.message}); try again in a minute."
    return _error_text(exc)


@staff_view(act=True)
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    try:
        version = changes.registration_amend(actor=request.user, registration=registration)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, f"Version {version.number} started; the tenant edits it.")
    return redirect("staff_registration_review", pk=pk)


@staff_view(act=True)
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    if request.POST.get("confirm", "").strip().lower() != "discard":
        messages.error(request, "Type discard to confirm.")
        return redirect("staff_registration_review", pk=pk)
    try:
        changes.registration_version_discard(actor=request.user, registration=registration)
    except (ValidationError, PermissionDenied, RetryableError) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, "The submitted version is discarded at AWS.")
    return redirect("staff_registration_review", pk=pk)


@staff_view()
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """What deleting means, then (reviewers, POST) the deletion once "delete" is typed."""
    registration = _registration(pk)
    error = ""
    if request.method == "POST":
        if not request.user.can_act_as_staff:
            raise PermissionDenied("Only provider staff with the reviewer role can act.")
        try:
            changes.registration_delete(
                actor=request.user,
                registration=registration,
                confirm=request.POST.get("confirm", ""),
            )
        except (ValidationError, PermissionDenied, RetryableError) as exc:
            error = _refusal(exc)
        else:
            messages.success(request, f"“{registration.name}” is deleted at AWS.")
            return redirect("staff_registration_review", pk=pk)
    return render(
        request,
        "staff/registration_delete.html",
        {
            "registration": registration,
            "senders": list(registration.senders.all()),
            "deletable": changes.is_deletable(registration),
            "error": error,
        },
        status=400 if error else 200,
    )
