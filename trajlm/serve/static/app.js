// The trajlm map page: draw or upload a trajectory, then ask the API. Offline: no tiles unless
// ?tiles=URL (e.g. ?tiles=https://tile.openstreetmap.org/{z}/{x}/{y}.png) is given.
"use strict";
const $ = (id) => document.getElementById(id);
const map = L.map("map", { zoomControl: true, preferCanvas: false });
L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
const tiles = new URLSearchParams(location.search).get("tiles");
const tileLayer = tiles ? L.tileLayer(tiles, { maxZoom: 19, attribution: "tiles: " + new URL(tiles).host }).addTo(map) : null;
const layers = { drawn: L.layerGroup().addTo(map), result: L.layerGroup().addTo(map),
                 background: L.layerGroup().addTo(map) };
let card = null, points = [];
// a --crs local index (fix37c): x / y metres on a plane, drawn on a plain canvas (no Earth
// beneath, no tiles); requests then say "crs": "local"
let plane = false;

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function api(path, body) {
  if (plane && body !== undefined) body = { ...body, crs: "local" };
  const r = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await r.json();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${data.error || r.statusText}`);
  (data.warnings || []).forEach((w) => {  // what the answer is worth (coverage, ...)
    const li = document.createElement("li");
    li.className = "warning";
    li.textContent = `${path}: ${w}`;
    $("warnings").appendChild(li);
  });
  return data;
}

function asGeoJSON(pts) {
  return { type: "FeatureCollection", features: [{ type: "Feature",
    properties: { traj_id: "drawn", times: pts.map((p) => p.t) },
    geometry: { type: "LineString", coordinates: pts.map((p) => [p.lon, p.lat]) } }] };
}

function drawInput() {
  layers.drawn.clearLayers();
  const ll = points.filter((p) => p.lat !== null).map((p) => [p.lat, p.lon]);
  if (ll.length > 1) L.polyline(ll, { color: "#1f5fbf", weight: 3, className: "drawn-line" }).addTo(layers.drawn);
  ll.forEach((x) => L.circleMarker(x, { radius: 4, color: "#1f5fbf", fillOpacity: 1,
                                         className: "drawn-point" }).addTo(layers.drawn));
  $("predict").disabled = points.length < 2;
  $("recover").disabled = points.length < 2 || !(card && card.tasks.includes("recover"));
}

map.on("click", (e) => {
  const dt = Math.max(1, Number($("interval").value) || 15);
  const t = points.length ? points[points.length - 1].t + dt : Math.floor(Date.now() / 1000) - 3600;
  points.push({ lat: e.latlng.lat, lon: e.latlng.lng, t });
  drawInput();
  status(`${points.length} point(s) drawn` + (points.length < 2 ? ": draw at least 2" : ""));
});

$("clear").onclick = () => { points = []; layers.result.clearLayers(); drawInput();
  $("warnings").innerHTML = "";
  $("pred-table").innerHTML = ""; $("similar-list").innerHTML = ""; $("eta").textContent = "";
  status("cleared"); };

$("upload").onchange = async (e) => {
  try {
    const doc = JSON.parse(await e.target.files[0].text());
    const f = doc.type === "FeatureCollection" ? doc.features[0] : doc;
    const tg = f.temporalGeometry;
    const coords = tg ? tg.coordinates : f.geometry.coordinates;
    const times = tg ? tg.datetimes : (f.properties.times || f.properties.datetimes || []);
    const ms = Boolean(tg || !f.properties.times);  // MF-JSON numbers are Unix milliseconds
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    points = coords.map((c, i) => ({ lon: c[0], lat: c[1],
      t: times[i] === undefined ? t0 + 15 * i : (typeof times[i] === "string" ? Date.parse(times[i]) / 1000
                                            : (ms || times[i] > 1e11 ? times[i] / 1000 : times[i])) }));  // ms by size
    drawInput();
    map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lon])).pad(0.5));
    status(`uploaded ${points.length} points`);
  } catch (err) { status(`upload: ${err.message}`, true); }
};

$("predict").onclick = async () => {
  layers.result.clearLayers();
  $("warnings").innerHTML = "";
  const steps = Number($("steps").value) || 5;
  status("predicting…");
  try {
    const out = await api("/predict", { trajectories: asGeoJSON(points), steps, output: "table" });
    const rows = out.points;
    const last = points[points.length - 1];
    L.polyline([[last.lat, last.lon], ...rows.map((r) => [r.lat, r.lon])],
      { color: "#d62728", dashArray: "6 4", weight: 3, className: "pred-line" }).addTo(layers.result);
    rows.forEach((r) => {
      L.circle([r.lat, r.lon], { radius: r.std_m ?? 0, color: "#d62728", weight: 1, fillOpacity: 0.08,
                                 className: "uncertainty" }).addTo(layers.result);
      L.circleMarker([r.lat, r.lon], { radius: 4, color: "#d62728", fillOpacity: 1,
                                       className: "pred-point" }).bindTooltip(`step ${r.step}: ` + (r.std_m == null ? (r.engine || "point estimate") : `±${r.std_m.toFixed(0)} m`)).addTo(layers.result);
    });
    $("pred-table").innerHTML = "<tr><th>step</th><th>time</th><th>lat</th><th>lon</th><th>±m</th></tr>" +
      rows.map((r) => `<tr class="pred-row"><td>${r.step}</td><td>${new Date(r.time).toLocaleTimeString()}</td><td>${r.lat.toFixed(5)}</td>` +
                      `<td>${r.lon.toFixed(5)}</td><td>${r.std_m == null ? "–" : r.std_m.toFixed(0)}</td></tr>`).join("");
    status(`predicted ${rows.length} points (circles: 1-sigma uncertainty)`);
    await eta(rows);
    await similar();
  } catch (err) { status(err.message, true); }
};

async function eta(rows) {
  if (!card.tasks.includes("travel_time")) { $("eta").textContent = ""; return; }
  const a = points[0], b = rows[rows.length - 1];
  const out = await api("/travel-time", { origins: [[a.lat, a.lon]], destinations: [[b.lat, b.lon]], depart: a.t });
  const s = out.seconds[0];
  $("eta").textContent = `ETA start → last predicted point: ${s === null ? "n/a" : s < 120 ? s.toFixed(0) + " s" : (s / 60).toFixed(1) + " min"}`;
}

const COLORS = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
async function similar() {
  $("similar-list").innerHTML = "";
  if (!card.index) return;
  const out = await api("/similar", { trajectories: asGeoJSON(points), k: 5, geometry: true });
  out.results[0].matches.forEach((m, i) => {
    L.polyline(m.track.map((c) => [c[1], c[0]]), { color: COLORS[i % 5], weight: 2, opacity: 0.8,
      className: "similar-track" }).addTo(layers.result);
    const li = document.createElement("li");
    li.className = "similar-item";
    li.innerHTML = `<span style="color:${COLORS[i % 5]}">■</span> ${m.traj_id} (distance ${m.distance.toFixed(2)})`;
    $("similar-list").appendChild(li);
  });
}

$("recover").onclick = async () => {
  // a gap between each pair of drawn points: the model fills them in
  $("warnings").innerHTML = "";
  const rows = [];
  points.forEach((p, i) => {
    rows.push({ traj_id: "drawn", t: p.t, lat: p.lat, lon: p.lon });
    const q = points[i + 1];
    if (q && q.t - p.t >= 2) rows.push({ traj_id: "drawn", t: Math.floor((p.t + q.t) / 2), lat: null, lon: null });
  });
  status("recovering…");
  try {
    const out = await api("/recover", { trajectories: rows });
    const rec = out.points.filter((r) => r.recovered);
    rec.forEach((r) => L.circleMarker([r.lat, r.lon], { radius: 5, color: "#2ca02c", fillOpacity: 1,
      className: "recovered-point" }).addTo(layers.result));
    status(`recovered ${rec.length} points (green)`);
  } catch (err) { status(err.message, true); }
};

async function start() {
  try {
    card = await api("/model");
    const c = card.coverage.centre || {};
    const bg = await api("/background");
    plane = bg.crs === "local";
    if (plane) {  // before the first view: Leaflet projects with the CRS it holds then
      map.options.crs = L.CRS.Simple;
      if (tileLayer) map.removeLayer(tileLayer);
    }
    $("model-info").textContent = `model: ${card.path} · ${card.params.toLocaleString()} parameters · tasks: ${card.tasks.join(", ")}` +
      (card.index ? ` · index: ${card.index.trajectories} trips` : "") +
      (plane ? " · x / y metres on a plane: the background is not a map" : "");
    const lines = bg.features.map((f) => L.polyline(f.geometry.coordinates.map((x) => [x[1], x[0]]),
      { color: "#999", weight: 1, opacity: 0.5, interactive: false, className: "bg-track" }).addTo(layers.background));
    if (plane && lines.length) map.fitBounds(L.featureGroup(lines).getBounds().pad(0.1));
    else map.setView([c.lat || 0, c.lon || 0], 14);
    drawInput();
    status("ready: click the map to draw a trajectory");
  } catch (err) { status(err.message, true); }
}
start();
