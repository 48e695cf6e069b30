/* Registration wizard: progressive enhancement only; every page works without it.
   Conditional fields, character counters, inline checks that mirror the server's (the server
   decides), autosave, upload previews with a client-side look at type and size. */
(function () {
  "use strict";

  // --- "Get registered": show the follow-up questions of the chosen goal ---------------------
  var start = document.querySelector(".start-form");
  if (start) {
    var sync = function () {
      var chosen = start.querySelector("input[name=goal]:checked");
      start.querySelectorAll("[data-show-for]").forEach(function (el) {
        el.hidden = !chosen || chosen.value !== el.getAttribute("data-show-for");
      });
    };
    start.addEventListener("change", sync);
    sync();
  }

  var form = document.querySelector("form.wizard");
  if (!form) return;
  var known = {};
  try { known = JSON.parse(form.getAttribute("data-values") || "{}"); } catch (e) { known = {}; }
  var status = form.querySelector(".autosave-status");
  var blocks = Array.prototype.slice.call(form.querySelectorAll(".wfield"));

  function valueOf(block) {
    var name = block.getAttribute("data-field");
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var out = [];
    inputs.forEach(function (i) {
      if (i.type === "file") return;
      if ((i.type === "radio" || i.type === "checkbox")) { if (i.checked) out.push(i.value); }
      else if (i.value.trim()) out.push(i.value.trim());
    });
    return out;
  }

  function currentValues() {
    var values = Object.assign({}, known);
    blocks.forEach(function (b) { values[b.getAttribute("data-path")] = valueOf(b); });
    return values;
  }

  function holds(cond, values) {
    var present = values[cond.DependsOnFieldPath] || [];
    if (!Array.isArray(present)) present = present ? [present] : [];
    var wanted = cond.Values || [];
    var any = present.some(function (v) { return wanted.indexOf(v) >= 0; });
    switch (cond.Operator) {
      case "HAS_VALUE": return present.length > 0;
      case "NO_VALUE": return present.length === 0;
      case "EQUALS": case "IN": return any;
      case "NOT_EQUALS": case "NOT_IN": return present.length > 0 && !any;
      default: return false;
    }
  }

  function rule(block, values) {
    var req = block.getAttribute("data-requirement");
    if (req !== "CONDITIONAL") return req;
    var behavior;
    try { behavior = JSON.parse(block.getAttribute("data-conditional") || "null"); } catch (e) { behavior = null; }
    if (!behavior) return "OPTIONAL";
    var rules = behavior.Rules || [];
    for (var i = 0; i < rules.length; i++) {
      if ((rules[i].Conditions || []).every(function (c) { return holds(c, values); })) return rules[i].RuleBehavior;
    }
    return behavior.DefaultBehavior || "OPTIONAL";
  }

  function applyConditions() {
    var values = currentValues();
    blocks.forEach(function (b) {
      var r = rule(b, values);
      var hide = r === "DISALLOWED";
      b.hidden = hide;
      b.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = hide; });
      var mark = b.querySelector(".req");
      if (mark) mark.hidden = r !== "REQUIRED";
    });
  }

  function showErrors(block, messages) {
    var list = block.querySelector("ul.errors");
    if (!list) return;
    list.innerHTML = "";
    messages.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
    block.classList.toggle("has-error", messages.length > 0);
    block.querySelectorAll("input, select, textarea").forEach(function (i) {
      if (messages.length) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
  }

  // The preflight's findings at each field, as the server computed them after the autosave.
  function showFindings(byPath) {
    form.querySelectorAll("[data-findings-for]").forEach(function (box) {
      var list = byPath[box.getAttribute("data-findings-for")] || [];
      box.textContent = "";
      list.forEach(function (f) {
        var note = document.createElement("div");
        note.className = "note " + (f.severity === "error" ? "bad" : "warn");
        note.setAttribute("data-rule", f.rule_id || "");
        var label = document.createElement("strong");
        label.textContent = f.severity === "error" ? "Blocks approval:" : "Check:";
        var hint = document.createElement("span");
        hint.className = "muted";
        hint.textContent = f.fix_hint || "";
        note.appendChild(label);
        note.appendChild(document.createTextNode(" " + (f.message || "") + " "));
        note.appendChild(hint);
        box.appendChild(note);
      });
    });
  }

  // The same checks as registrations/schema.py validate_value, for TEXT; the server re-checks.
  function localCheck(input) {
    var v = input.value.replace(/\r\n/g, "\n").trim();
    if (!v) return [];
    var errors = [];
    var max = parseInt(input.getAttribute("data-maxlength") || "0", 10);
    var min = parseInt(input.getAttribute("data-minlength") || "0", 10);
    if (min && v.length < min) errors.push("Enter at least " + min + " characters (now " + v.length + ").");
    if (max && v.length > max) errors.push("Use at most " + max + " characters (now " + v.length + ").");
    var pattern = input.getAttribute("data-pattern");
    if (pattern) {
      try {
        if (!new RegExp("^(?:" + pattern + ")$", "s").test(v)) {
          var ex = input.getAttribute("placeholder");
          errors.push("Enter a value in the expected format" + (ex ? ", for example: " + ex : "."));
        }
      } catch (e) { /* a pattern JavaScript cannot read: leave it to the server */ }
    }
    return errors;
  }

  function counter(input) {
    var c = form.querySelector('.counter[data-for="' + input.id + '"]');
    if (!c) return;
    var max = parseInt(input.getAttribute("data-maxlength") || "0", 10);
    var n = input.value.replace(/\r\n/g, "\n").trim().length;
    c.textContent = n + " / " + max;
    c.classList.toggle("over", max > 0 && n > max);
  }

  var timer = null;
  function autosave() {
    var url = form.getAttribute("data-autosave");
    if (!url || !window.fetch) return;
    var data = new FormData();
    var present = [];
    blocks.forEach(function (b) {
      if (b.getAttribute("data-type") === "ATTACHMENT") return;
      var name = b.getAttribute("data-field");
      present.push(name);
      if (b.hidden) return;
      form.querySelectorAll('[name="' + name + '"]').forEach(function (i) {
        if ((i.type === "radio" || i.type === "checkbox") && !i.checked) return;
        data.append(name, i.value);
      });
    });
    data.append("_present", present.join(","));
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    if (status) status.textContent = "Saving…";
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        var errors = answer.errors || {};
        blocks.forEach(function (b) {
          if (b.getAttribute("data-type") === "ATTACHMENT") return;
          showErrors(b, errors[b.getAttribute("data-path")] || []);
        });
        if (answer.findings) showFindings(answer.findings);
        // What the server stored in another form than typed (E.164 numbers, compact tax IDs).
        Object.keys(answer.values || {}).forEach(function (name) {
          var input = form.querySelector('input[name="' + name + '"]');
          if (input && document.activeElement !== input) input.value = answer.values[name];
          else if (input) input.addEventListener("blur", function once() {
            input.value = answer.values[name];
            input.removeEventListener("blur", once);
          });
        });
        var n = Object.keys(errors).length;
        if (status) status.textContent = n ? "Saved, except " + n + " field" + (n > 1 ? "s" : "") + " with a problem." : "All changes saved.";
      })
      .catch(function () { if (status) status.textContent = "Not saved: the connection failed. Use Save draft."; });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(autosave, 1200); }

  form.addEventListener("input", function (ev) {
    var t = ev.target;
    if (t.matches("[data-maxlength]")) counter(t);
    if (t.type !== "file") { applyConditions(); schedule(); }
  });
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.type === "file") return previewFile(t);
    applyConditions();
    schedule();
  });
  form.addEventListener("focusout", function (ev) {
    var t = ev.target;
    if (t.matches("input[data-maxlength], textarea[data-maxlength]")) {
      var block = t.closest(".wfield");
      showErrors(block, localCheck(t));
    }
  });
  form.addEventListener("submit", function () { clearTimeout(timer); });

  function previewFile(input) {
    var block = input.closest(".wfield");
    var img = block.querySelector("img.new-preview");
    var shrink = block.querySelector('input[name^="shrink__"]');
    var limit = parseInt(input.getAttribute("data-limit") || "0", 10) * 1024;
    var file = input.files && input.files[0];
    if (!file) { if (img) img.hidden = true; return; }
    file.slice(0, 8).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf);
      var kind = b[0] === 0x25 && b[1] === 0x50 ? "pdf" : b[0] === 0x89 && b[1] === 0x50 ? "png" : b[0] === 0xff && b[1] === 0xd8 ? "jpeg" : "";
      var msgs = [];
      if (!kind) msgs.push("This is not a PDF, PNG or JPEG file (checked from its content).");
      else if (limit && file.size > limit) {
        if (kind === "pdf") msgs.push("The file is " + Math.round(file.size / 1024) + " KB; the limit is " + limit / 1024 + " KB.");
        else if (shrink) { shrink.checked = true; msgs.push("The image is " + Math.round(file.size / 1024) + " KB, over " + limit / 1024 + " KB: it will be shrunk to fit when you save (untick to refuse)."); }
      }
      showErrors(block, msgs);
      if (img && (kind === "png" || kind === "jpeg")) { img.src = URL.createObjectURL(file); img.hidden = false; }
      else if (img) img.hidden = true;
    });
  }

  form.querySelectorAll("[data-maxlength]").forEach(counter);
  applyConditions();
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();
