"""Staff pages of the message template library and of the tenants limited to it
(/staff/compliance/): reviewers edit, viewers look."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from compliance import selectors, services
from compliance.models import MessageTemplate
from staff import selectors as staff_selectors
from staff.forms import MessageTemplateForm, TemplatePolicyForm
from tenants.permissions import staff_view
from tenants.selectors import tenant_get_for_staff


def _list(request: HttpRequest, form=None, editing=None, status=200) -> HttpResponse:
    edit_id = request.GET.get("edit", "")
    if editing is None and edit_id.isdigit():
        editing = MessageTemplate.objects.filter(pk=int(edit_id)).first()
    if form is None and request.user.can_act_as_staff:
        form = MessageTemplateForm(instance=editing)
    context = {
        "tenants": staff_selectors.template_policy_list(),
        "templates": selectors.template_list(),
        "form": form,
        "editing": editing,
    }
    return render(request, "staff/messagetemplate_list.html", context, status=status)


@staff_view()
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


def _save(request: HttpRequest, template: MessageTemplate | None) -> HttpResponse:
    form = MessageTemplateForm(request.POST, instance=template)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in MessageTemplateForm.Meta.fields}
        try:
            saved = services.message_template_save(
                actor=request.user,
                data=data,
                template=MessageTemplate.objects.get(pk=template.pk) if template else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Template “{saved.name}” saved.")
            return redirect("compliance_staff_templates")
    return _list(request, form=form, editing=template, status=400)


@staff_view(act=True)
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@staff_view(act=True)
@require_POST
def template_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(MessageTemplate, pk=pk))


@staff_view(act=True)
@require_POST
def template_policy(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = tenant_get_for_staff(slug=slug)
    if tenant is None:
        raise Http404("No such tenant.")
    form = TemplatePolicyForm(request.POST)
    form.is_valid()
    only = bool(form.cleaned_data.get("templates_only"))
    services.template_policy_set(tenant=tenant, actor=request.user, templates_only=only)
    messages.success(
        request,
        f"{tenant.name} may now send "
        + ("only messages that match a template." if only else "any registered message."),
    )
    return redirect("compliance_staff_templates")
