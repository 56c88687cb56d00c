// Preset picker (select[data-preset-select]): copies the chosen preset's parameters into the form's
// fields with ids p-<name> and puts every other parameter back to its default, then fires "change"
// on each field so listeners (the new video page's estimate) see the new values. The user may still
// adjust any field afterwards; what is sent is what the fields show.
for (const select of document.querySelectorAll('select[data-preset-select]')) {
    select.addEventListener('change', () => {
        const chosen = select.selectedOptions[0];
        const values = chosen?.dataset.parameters ? JSON.parse(chosen.dataset.parameters) : {};
        const scope = select.form ?? document;
        for (const field of scope.querySelectorAll('[id^="p-"]')) {
            const name = field.id.slice(2);
            const has = Object.prototype.hasOwnProperty.call(values, name);
            if (field.type === 'checkbox') {
                field.checked = has ? values[name] === true : field.defaultChecked;
            } else if (field.tagName === 'SELECT') {
                const fallback = [...field.options].find(o => o.defaultSelected) ?? field.options[0];
                field.value = has ? String(values[name]) : (fallback?.value ?? '');
            } else {
                field.value = has ? String(values[name]) : field.defaultValue;
            }
            field.dispatchEvent(new Event('change', { bubbles: true }));
        }
    });
}
