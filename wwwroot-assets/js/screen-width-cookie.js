// Tells the server, with the next page request, whether this screen is narrower than the drawer's breakpoint (MudBlazor's
// Md, 960 px), so the layout can prerender the navigation drawer closed on a phone. Without it the layout started with
// the drawer open (right for wide screens) and MudBlazor's responsive drawer closed it only once the circuit had asked
// the browser for its width, up to half a second after the page was up: a burger tap in that window closed the already
// hidden drawer and showed nothing (docs/web.md, "The drawer on a phone"). The sign-in page runs this too, so the first
// interactive page after signing in already knows. A cookie because the server needs it before any circuit exists; it
// carries one bit of layout, no identity, and lives for the browser session.
// This has to be JavaScript: only the browser knows its width, and the server reads it while prerendering.
{ // a block: the script's names stay out of the page's global scope
    const cookieName = "sonicweb-narrow"; // MainLayout.NarrowScreenCookie
    const drawerBreakpointPx = 960;
    let written = null;
    const write = () => {
        const narrow = window.innerWidth < drawerBreakpointPx ? "1" : "0";
        if (narrow === written) return;
        written = narrow;
        document.cookie = `${cookieName}=${narrow}; path=/; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
    };
    write();
    window.addEventListener("resize", write, { passive: true });
}
