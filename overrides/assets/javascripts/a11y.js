// Accessible names Material leaves out, found by the axe check in tests/test_browser.py.
(function () {
  var ko = document.documentElement.lang === "ko";
  function name() {
    // The search dialog: named like its input ("검색" / "Search").
    var dialog = document.querySelector(".md-search[role=dialog]:not([aria-label])");
    var input = document.querySelector(".md-search__input");
    if (dialog && input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
    // Code annotation markers are links with no text.
    document.querySelectorAll(".md-annotation__index:not([aria-label])").forEach(function (a) {
      var id = a.querySelector("[data-md-annotation-id]");
      a.setAttribute("aria-label", (ko ? "주석 " : "Annotation ") + (id ? id.getAttribute("data-md-annotation-id") : ""));
    });
    // Code that scrolls sideways must be reachable by keyboard (Material does this
    // for highlighted blocks only; this covers the rest, e.g. Mermaid source
    // while its runtime loads or when it cannot).
    document.querySelectorAll(".md-typeset pre > code:not([tabindex])").forEach(function (c) {
      c.setAttribute("tabindex", "0");
    });
    // Notebook views (mkdocs-jupyter): code cells scroll in their highlight box, outputs in their <pre>.
    document.querySelectorAll(".jp-Notebook .highlight-ipynb:not([tabindex]), .jp-Notebook pre:not([tabindex])")
      .forEach(function (c) { c.setAttribute("tabindex", "0"); });
  }
  // Material adds annotation markers after the page loads (and again on instant navigation).
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
  name();
})();
