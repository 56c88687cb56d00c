// Buttons clicked before this page's circuit is up. An interactive page arrives prerendered; until its circuit has
// started (the layout's data-circuit="connected") there is nothing to run a button's C# handler, and the click did
// nothing at all. Such a click now shows the layout's "Connecting…" status at once (by itself it appears only after
// 0.4 s: css/app.css), so the person sees why nothing happened and that the page is about to work. The click is not
// replayed once the circuit is up: a delete or a cancel carried out seconds after the click, on a page that may have
// changed meanwhile, would surprise more than a click that has to be made again. Links are js/early-links.js's job.
// Switches, checkboxes and radio buttons are native inputs that would flip under such a click, but what they show
// (MudBlazor's thumb, tick, aria-checked) is drawn by the circuit: the input changed, the switch on screen did not,
// and the circuit's first render then put back the prerendered state, so the person's choice was lost without a sign.
// Their click is now cancelled (the input stays as shown) and shows "Connecting…" like a button's; css/app.css gives
// them, and the selects that cannot open yet, a disabled look while the status shows. Sliders and text fields are
// usable before the circuit: js/early-input.js carries them over.
// This has to be JavaScript: there is no circuit yet to run C# in.
{ // a block: the script's names stay out of the page's global scope
    const toggles = "input[type=checkbox], input[type=radio], .mud-switch, .mud-checkbox, .mud-radio";
    const controls = `button, [role=button], [role=switch], [role=tab], [role=combobox], .mud-select, ${toggles}`; // as in css/app.css

    window.addEventListener("click", event => {
        if (!(event.target instanceof Element) || document.querySelector("[data-circuit='connected']") !== null) return;
        const status = document.querySelector(".interactive-shell .circuit-pending");
        const control = event.target.closest(controls);
        if (status === null || control === null || control.closest(".interactive-shell") === null || control.closest("a[href]") !== null) return;
        if (control.type === "submit" && control.form?.hasAttribute("action")) return; // a plain form (sign out) posts without a circuit
        if (control.matches(toggles)) event.preventDefault(); // the input stays as the page shows it
        status.classList.add("circuit-pending-now");
    }, { capture: true });
}
