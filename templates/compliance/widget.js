{% autoescape off %}/* SMS sign-up widget: include with <script src="…/widget.js" async></script> where the form
   should appear. It adds an iframe with the hosted, compliant sign-up form. */
(function () {
  var script = document.currentScript;
  var frame = document.createElement("iframe");
  frame.src = {{ url_json }};
  frame.title = {{ title_json }};
  frame.loading = "lazy";
  frame.style.cssText = "width:100%;max-width:640px;min-height:720px;border:0;display:block";
  if (script && script.parentNode) {
    script.parentNode.insertBefore(frame, script);
  } else {
    document.body.appendChild(frame);
  }
})();
{% endautoescape %}
