// serve40: a JavaScript dashboard's calls with fetch (node 18+), each classified works / told /
// dead end / silent wrong / 500 / hang / confusing; one JSON line per call.
//   node scripts/serve40/fetch_user.mjs http://127.0.0.1:PORT http://localhost:3000
// Started by scripts/serve40/clients.py, which starts the server.
const [url, origin] = process.argv.slice(2);
const T0 = Date.UTC(2026, 2, 29, 1, 30, 0); // ms, as Date.now() gives them

function van(id, lat0, n = 14) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ unitId: id, ts: T0 + i * 20000, latitude: lat0 + 0.0008 * i, longitude: 25.46 + 0.0004 * i });
  }
  return out;
}
const rows = [...van("V1", 65.01), ...van("V2", 65.03)];

async function call(path, body, opts = {}) {
  const t = Date.now();
  const init = { method: body === undefined ? "GET" : "POST", signal: AbortSignal.timeout(60000), ...opts };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "Content-Type": "application/json", Origin: origin, ...(opts.headers || {}) };
  }
  try {
    const r = await fetch(url + path, init);
    const text = await r.text();
    let j = null;
    try { j = JSON.parse(text); } catch (e) { /* not JSON: a page */ }
    return { r, j, text, s: (Date.now() - t) / 1000 };
  } catch (e) {
    return { r: null, j: null, text: String(e), s: (Date.now() - t) / 1000 };
  }
}

function verdict({ r, j }, ok = true) {
  if (r === null) return "hang";
  if (r.status >= 500 && r.status !== 503) return "500";
  if (r.status < 300) return ok ? "works" : "silent wrong";
  return j && typeof j.error === "string" && !j.error.includes("\n") ? "told" : "confusing";
}

function note(call, v, why, s) {
  console.log(JSON.stringify({ call, verdict: v, why: String(why).slice(0, 240), s }));
}

// fetch's default for a string body is text/plain;charset=UTF-8: what a first try sends
let a = await call("/predict", JSON.stringify({ trajectories: rows, steps: 2 }), { headers: { "Content-Type": "text/plain;charset=UTF-8" } });
note("POST /predict without a Content-Type (text/plain)", verdict(a), `${a.r && a.r.status} ${a.text}`, a.s);

a = await call("/predict", { trajectories: rows, steps: 2 });
const p = a.j && a.j.points ? a.j.points[0] : null;
note("POST /predict, Date.now() ms times", verdict(a, p && p.t > 1e12 && p.time.endsWith("Z")),
  `${a.r.status} first point ${JSON.stringify(p)}`, a.s);
const cors = a.r.headers.get("access-control-allow-origin");
note("CORS header on a POST from the dashboard's origin", cors === origin ? "works" : "dead end", `access-control-allow-origin: ${cors}`, 0);
const pre = await fetch(url + "/predict", { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } });
note("CORS preflight", pre.ok ? "works" : "dead end", `${pre.status}`, 0);

a = await call("/predict", { trajectories: rows, steps: 2, keys: "request" });
const q = a.j && a.j.points ? a.j.points[0] : null;
note("POST /predict, keys: request (my unitId / ts / latitude / longitude back)",
  a.r.status === 200 ? verdict(a, q && "unitId" in q && q.ts > 1e12 && "latitude" in q) : "dead end",
  `${a.r.status} ${JSON.stringify(q || a.j)}`, a.s);

const holes = rows.map((x, i) => (i === 4 || i === 5 ? { unitId: x.unitId, ts: x.ts, latitude: undefined, longitude: undefined } : x));
a = await call("/recover", { trajectories: holes });
const n = a.j && a.j.points ? a.j.points.filter((x) => x.recovered).length : 0;
note("POST /recover, positions left undefined", verdict(a, n === 2), `${a.r.status}, ${n} recovered`, a.s);

a = await call("/travel-time", { origins: [[65.01, 25.46]], destinations: [[65.02, 25.48]], depart: Date.now() });
note("POST /travel-time, depart Date.now()", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
a = await call("/classify", { trajectories: rows });
note("POST /classify", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
a = await call("/embed", { trajectories: rows });
note("POST /embed", verdict(a, a.j && a.j.embeddings && a.j.embeddings.length === 2), `${a.r.status}`, a.s);
a = await call("/similar", { trajectories: rows, k: 2, geometry: true });
note("POST /similar", verdict(a, a.j && a.j.results && a.j.results.length === 2), `${a.r.status} ${a.text.slice(0, 120)}`, a.s);
a = await call("/reach", { trajectories: rows, to: [{ lat: 65.02, lon: 25.47, id: "S1" }] });
note("POST /reach", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
a = await call("/parked", { trajectories: rows, at: new Date(T0 + 400000) });
note("POST /parked, at: a Date (JSON.stringify: ISO with ms)", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
a = await call("/divert", { trajectories: rows, order: [[65.02, 25.47]] });
note("POST /divert", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
a = await call("/validity", { trajectories: rows });
note("POST /validity", verdict(a), `${a.r.status}`, a.s);
a = await call("/ask", { question: "how far did each vehicle drive?", rows, columns: { vehicle_id: "unitId" } });
note("POST /ask", verdict(a), `${a.r.status} ${a.text.slice(0, 150)}`, a.s);
const nan = rows.map((x, i) => (i === 3 ? { ...x, latitude: NaN } : x)); // JSON.stringify: null
a = await call("/predict", { trajectories: nan, steps: 1 });
note("POST /predict, a NaN latitude (sent as null)", verdict(a), `${a.r.status} ${a.text.slice(0, 160)}`, a.s);
for (const path of ["/model", "/health", "/", "/docs", "/background", "/openapi.json"]) {
  a = await call(path);
  note(`GET ${path}`, verdict(a), `${a.r && a.r.status} ${a.text.length} chars`, a.s);
}
