// Small helpers shared by the page modules: ProblemDetails to readable text, number formatting.

/** Turns a ProblemDetails body (or any failed response) into a list of messages for the user. */
export async function problemMessages(response) {
    try {
        const problem = await response.json();
        const fields = problem.errors ? Object.values(problem.errors).flat() : [];
        return fields.length > 0 ? fields : [problem.detail || problem.title || `Request failed (${response.status}).`];
    } catch {
        return [`Request failed (${response.status}).`];
    }
}

export function seconds(value) {
    if (value === null || value === undefined) return '–';
    if (value < 60) return `${value.toFixed(1)} s`;
    return `${Math.floor(value / 60)} min ${String(Math.floor(value % 60)).padStart(2, '0')} s`;
}
