// Links clicked before this page's circuit is up. An interactive page arrives prerendered; until its circuit has started
// (the layout's data-circuit="connected"), blazor.web.js's router could take a link click and drop it on a loaded
// server: the page stayed where it was (docs/web.md, "A click while the circuit starts"). Until then a click on one of
// the app's own links is kept from the router and left to the browser: a plain page load, which always arrives.
// This has to be JavaScript: there is no circuit yet to run C# in.
const isWaitingForCircuit = () =>
    document.querySelector(".interactive-shell") !== null && document.querySelector("[data-circuit='connected']") === null;

window.addEventListener("click", event => {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link === null || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const url = new URL(link.href, document.baseURI);
    if (url.origin !== location.origin || !isWaitingForCircuit()) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // a place on this page
    event.stopImmediatePropagation();
}, { capture: true });
