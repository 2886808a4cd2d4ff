// Draw the KPI dashboard charts from the JSON the page embeds (no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("kpi-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var hours = Array.from({length: 24}, function (_, h) { return h + ":00"; });
    var byChannel = {};
    data.volume.forEach(function (row) {
      byChannel[row.channel] = byChannel[row.channel] || new Array(24).fill(0);
      byChannel[row.channel][row.hour_of_day] = row.n;
    });
    new Chart(document.getElementById("chart-volume"), {
      type: "bar",
      data: {labels: hours, datasets: Object.keys(byChannel).map(function (channel) {
        return {label: data.channels[channel] || channel, data: byChannel[channel]};
      })},
      options: {animation: false, responsive: true, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}
    });
    new Chart(document.getElementById("chart-trend"), {
      data: {labels: data.trend.map(function (r) { return r.day; }), datasets: [
        {type: "bar", label: data.labels.tickets, data: data.trend.map(function (r) { return r.n; }), yAxisID: "y"},
        {type: "line", label: data.labels.frt, data: data.trend.map(function (r) { return r.frt; }), yAxisID: "y1"},
        {type: "line", label: data.labels.fcr, data: data.trend.map(function (r) { return r.fcr; }), yAxisID: "y1"}
      ]},
      options: {animation: false, responsive: true, scales: {y: {beginAtZero: true}, y1: {position: "right", beginAtZero: true}}}
    });
    new Chart(document.getElementById("chart-causes"), {
      data: {labels: data.causes.map(function (r) { return r.name || data.labels.uncategorized; }), datasets: [
        {type: "bar", label: data.labels.complaints, data: data.causes.map(function (r) { return r.n; }), yAxisID: "y"},
        {type: "line", label: data.labels.cumulative, data: data.causes.map(function (r) { return r.cumulative_percent; }), yAxisID: "y1"}
      ]},
      options: {animation: false, responsive: true, scales: {y: {beginAtZero: true}, y1: {position: "right", min: 0, max: 100}}}
    });
    new Chart(document.getElementById("chart-csat"), {
      type: "line",
      data: {labels: data.csat.map(function (r) { return r.day; }), datasets: [
        {label: data.labels.csat, data: data.csat.map(function (r) { return r.mean; })}
      ]},
      options: {animation: false, responsive: true, scales: {y: {min: 1, max: 5}}}
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
