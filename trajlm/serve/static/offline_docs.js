// /docs without the network (serve39): Swagger UI loads from a CDN, so on a machine without
// internet the page stayed blank. When its script did not load, this renders /openapi.json as
// plain HTML: each endpoint, what it does, its body's fields and its examples, with a button
// that posts an example and shows the answer. offlineDocs(spec) is pure (tests run it in node).

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

function schemaOf(spec, schema) {
  const ref = schema && schema.$ref;
  return ref ? spec.components.schemas[ref.split("/").pop()] : schema || {};
}

function fieldsHtml(spec, schema) {
  const s = schemaOf(spec, schema);
  const props = s.properties || {};
  const required = new Set(s.required || []);
  const rows = Object.keys(props).map((name) => {
    const p = props[name];
    const said = p.description || p.title || "";
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? " (required)" : ""}</td>` +
      `<td>${escapeHtml(said)}</td></tr>`;
  });
  return rows.length ? `<table>${rows.join("")}</table>` : "";
}

function offlineDocs(spec) {
  const parts = [`<h1>${escapeHtml(spec.info.title)} API</h1>`,
    `<p>${escapeHtml(spec.info.description || "")}</p>`,
    "<p>Swagger UI could not load from its CDN (no internet here): this is the same reference, " +
    "read from <a href=\"/openapi.json\">/openapi.json</a>.</p>"];
  for (const path of Object.keys(spec.paths)) {
    for (const method of Object.keys(spec.paths[path])) {
      const op = spec.paths[path][method];
      parts.push(`<h2>${method.toUpperCase()} ${escapeHtml(path)}</h2>`);
      parts.push(`<p>${escapeHtml(op.description || op.summary || "")}</p>`);
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (!body) continue;
      parts.push(fieldsHtml(spec, body.schema));
      const examples = body.examples || {};
      for (const name of Object.keys(examples)) {
        const text = JSON.stringify(examples[name].value, null, 1);
        parts.push(`<h3>example ${escapeHtml(name)}: ${escapeHtml(examples[name].summary || "")}</h3>` +
          `<pre class="body">${escapeHtml(text)}</pre>` +
          `<button data-path="${escapeHtml(path)}">POST it</button><pre class="answer"></pre>`);
      }
    }
  }
  return parts.join("\n");
}

function showOfflineDocs() {
  if (typeof SwaggerUIBundle !== "undefined") return;  // the CDN answered: Swagger UI is up
  const root = document.getElementById("swagger-ui");
  fetch("/openapi.json").then((r) => r.json()).then((spec) => {
    root.innerHTML = offlineDocs(spec);
    root.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-path]");
      if (!button) return;
      const body = button.previousElementSibling.textContent;
      const out = button.nextElementSibling;
      fetch(button.dataset.path, {method: "POST", headers: {"content-type": "application/json"}, body})
        .then((r) => r.text().then((t) => { out.textContent = `${r.status}\n${t}`; }));
    });
  });
}

if (typeof window !== "undefined") window.addEventListener("load", showOfflineDocs);
if (typeof module !== "undefined") module.exports = {offlineDocs, escapeHtml};
