"""Warnings pages for officials: the coordinator's view with upload and source health,
a warning's detail, the officer's suggestions and decisions, the county's rules, and
the warnings in force over one point. Views stay thin: they call services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sot.accounts import policy
from sot.errors import Refused
from sot.registry.models import Point
from sot.warnings import decisions, following, polling, services
from sot.warnings import permissions as perm
from sot.warnings.core.model import ParseError
from sot.warnings.forms import DecisionForm, RuleForm, UploadForm
from sot.warnings.importing import import_bytes
from sot.warnings.models import (
    Decision,
    MessageState,
    Suggestion,
    SuggestionRule,
    SuggestionState,
    WarningMessage,
)


@login_required
def dashboard(request):
    """Warnings in force, the sources' health and (for those who may) the upload form."""
    policy.require(request.user, perm.VIEW_WARNING)
    can_import = policy.can(request.user, perm.IMPORT_WARNING)
    form = (
        UploadForm(request.POST or None, request.FILES or None) if can_import else None
    )
    report = None
    if request.method == "POST":
        policy.require(request.user, perm.IMPORT_WARNING)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_bytes(
                    data=upload.read(),
                    filename=upload.name,
                    format=form.cleaned_data["format"] or None,
                    status=form.cleaned_data["status"] or None,
                    via="upload",
                    user=request.user,
                )
            except ParseError as exc:
                form.add_error("file", _("Dokumentet kunde inte läsas: %s") % exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Läste in %(n)d meddelande (%(fmt)s).",
                        "Läste in %(n)d meddelanden (%(fmt)s).",
                        len(report.messages),
                    )
                    % {"n": len(report.messages), "fmt": report.format},
                )
    warnings = (
        services.in_force()
        .prefetch_related("municipalities", "points")
        .order_by("-sent")[:200]
    )
    return render(
        request,
        "warnings/dashboard.html",
        {
            "warnings": warnings,
            "health": polling.health()
            if policy.can(request.user, perm.VIEW_SOURCE_HEALTH)
            else None,
            "form": form,
            "report": report,
            "open_suggestions": services.suggestions_for(request.user).count()
            if policy.can(request.user, perm.VIEW_SUGGESTION)
            else None,
        },
    )


@login_required
def warning_detail(request, pk):
    policy.require(request.user, perm.VIEW_WARNING)
    message = get_object_or_404(WarningMessage, pk=pk)
    suggestions = (
        policy.filter_allowed(
            request.user,
            perm.VIEW_SUGGESTION,
            message.suggestions.select_related("municipality", "rule"),
            municipality_path="municipality",
        )
        if policy.can(request.user, perm.VIEW_SUGGESTION)
        else []
    )
    return render(
        request,
        "warnings/warning.html",
        {
            "message": message,
            "areas": message.areas.all(),
            "references": message.references.all(),
            "replaces": message.replaces.all(),
            "suggestions": suggestions,
            "can_end": policy.can(request.user, perm.END_WARNING)
            and message.state == MessageState.IN_FORCE,
        },
    )


@login_required
@require_POST
def warning_end(request, pk):
    message = get_object_or_404(WarningMessage, pk=pk)
    services.end_message(message=message, by=request.user)
    messages.success(request, _("Varningen är avslutad."))
    return redirect("warnings:warning", pk=pk)


@login_required
def suggestions(request):
    """The officer's suggestions: open ones first, then the latest decided."""
    policy.require(request.user, perm.VIEW_SUGGESTION)
    open_ = services.suggestions_for(request.user).prefetch_related("points")
    raised = services.raised_suggestions_for(request.user).prefetch_related("points")
    decided = (
        services.suggestions_for(
            request.user,
            states=(
                SuggestionState.ACCEPTED,
                SuggestionState.DISMISSED,
                SuggestionState.CLEARED,
            ),
        )
        .exclude(pk__in=raised.values("pk"))
        .order_by("-updated_at")[:30]
    )
    return render(
        request,
        "warnings/suggestions.html",
        {"open": open_, "raised": raised, "decided": decided},
    )


@login_required
def suggestion_detail(request, pk):
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("message", "municipality", "rule", "event"),
        pk=pk,
    )
    policy.require(request.user, perm.VIEW_SUGGESTION, suggestion)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in Decision.values:
            messages.error(request, _("Välj ett beslut."))
        elif form.is_valid():
            try:
                suggestion = decisions.decide(
                    suggestion=suggestion,
                    by=request.user,
                    decision=decision,
                    note=form.cleaned_data["note"],
                )
            except decisions.SuggestionClosed:
                messages.error(
                    request, _("Förslaget är redan beslutat eller inaktuellt.")
                )
            except (ValueError, PermissionError) as exc:
                messages.error(request, str(exc))
            else:
                if suggestion.event_id:
                    messages.success(request, _("Händelsen är öppnad."))
                    return redirect("operations:event", event_id=suggestion.event_id)
                messages.success(request, _("Beslutet är sparat."))
                return redirect("warnings:suggestion", pk=suggestion.pk)
    return render(
        request,
        "warnings/suggestion.html",
        {
            "suggestion": suggestion,
            "points": suggestion.points.all(),
            "form": form,
            "can_decide": suggestion.state == SuggestionState.OPEN
            and policy.can(request.user, perm.DECIDE_SUGGESTION, suggestion),
            "can_open_event": following.can_become_event(suggestion)
            and policy.can(request.user, perm.DECIDE_SUGGESTION, suggestion),
        },
    )


@login_required
def rules(request):
    policy.require(request.user, perm.VIEW_SUGGESTION)
    qs = services.rules_for(request.user)
    return render(
        request,
        "warnings/rules.html",
        {"rules": qs, "can_change": policy.can(request.user, perm.CHANGE_RULE)},
    )


@login_required
def rule_edit(request, pk=None):
    rule = get_object_or_404(SuggestionRule, pk=pk) if pk else None
    # A rule for every county is the superuser's; a new rule is for the county.
    policy.require(request.user, perm.CHANGE_RULE, rule)
    initial = {} if rule else {"county_code": getattr(request.user, "county_code", "")}
    form = RuleForm(request.POST or None, instance=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(rule=form.save(commit=False), by=request.user)
        except Refused:
            form.add_error("county_code", _("Du kan bara ändra regler för ditt län."))
        else:
            messages.success(request, _("Regeln är sparad."))
            return redirect("warnings:rules")
    return render(request, "warnings/rule_form.html", {"form": form, "rule": rule})


@login_required
def point_warnings(request, slug):
    """The warnings in force over one point (for the officials' point page)."""
    point = get_object_or_404(Point, slug=slug)
    policy.require(request.user, perm.VIEW_WARNING)
    policy.require(request.user, "point.view_internal", point)
    return render(
        request,
        "warnings/point.html",
        {"point": point, "warnings": services.warnings_for_point(point)},
    )
