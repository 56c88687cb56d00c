// A list row's thumbnail whose address answers an error (Shared/Jobs/JobThumbnail.razor). The server already renders a
// placeholder for a job it knows has no picture (JobView.HasPicture); this covers the rest, a picture whose file has gone
// (404), which chromium would draw as a broken image. The img is marked data-broken, and the CSS hides it and shows the
// placeholder rendered after it; a later successful load (the same img given another job's address by a re-render)
// takes the mark off. Marking, not removing: the img stays the circuit's element, so its renders still apply to it.
// This has to be JavaScript: only the page sees an image fail; onerror attributes are barred by the CSP (script-src 'self').
{ // a block: the script's names stay out of the page's global scope
    const isThumb = e => e instanceof HTMLImageElement && e.classList.contains("history-thumb");
    const mark = img => { if (!img.hasAttribute("data-broken")) img.setAttribute("data-broken", ""); };
    // error and load do not bubble, but they do pass the document on their way down (capture).
    document.addEventListener("error", event => { if (isThumb(event.target)) mark(event.target); }, { capture: true });
    document.addEventListener("load", event => { if (isThumb(event.target)) event.target.removeAttribute("data-broken"); }, { capture: true });
    // Images of the prerendered page that failed before this script ran.
    for (const img of document.querySelectorAll("img.history-thumb"))
        if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) mark(img);
}
