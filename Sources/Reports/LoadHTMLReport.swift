import Foundation

/// `load --report FILE.html` (and `report merge --report`): one self-contained page — no script, style or font
/// fetched from anywhere (its Content-Security-Policy forbids it), the charts SVG drawn here: latency percentiles
/// over time, asked vs achieved rate over time, the outcome mix, the per-node (or per-server) distribution, and
/// the figures as tables. An inline script records script errors into the page (`#page-errors`), so a headless
/// browser's rendered DOM says whether the page ran cleanly.
public enum LoadHTMLReport {
    public static func render(_ run: LoadRunData, title: String = "npsprobe load report") -> String {
        var body: [String] = []
        let shards = run.mergedShards.map { " — merged from \($0.count) shard(s) of \(run.shardCount ?? $0.count)" }
            ?? run.shard.map { " — shard \($0.index)/\($0.count)" } ?? ""
        body.append("<h1>\(escape(title))</h1>")
        body.append("<p class=\"lead\">\(run.conversations) \(escape(run.method)) conversations in "
                    + "\(format(run.durationS)) s, \(run.schedule) loop\(escape(shards))"
                    + (run.startTime.map {
                        ", started \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)))"
                    } ?? "")
                    + (run.interrupted.map { ", <strong>interrupted by \(escape($0))</strong>" } ?? "") + "</p>")
        body.append(summaryTable(run))
        let intervals = run.intervals ?? []
        let length = Double(run.intervalS ?? 1)
        body.append("<h2>Latency over time</h2>")
        let span = Double(intervals.count) * length
        body.append(lineChart(
            id: "chart-latency", unit: "ms", span: span,
            series: [("p50", "#1f77b4", "p50"), ("p90", "#2ca02c", "p90"), ("p99", "#ff7f0e", "p99"),
                     ("max", "#d62728", "max")].map { key, color, label in
                (label, color, intervals.compactMap { interval in
                    interval.latencyMs[key].map { (Double(interval.startS) + length / 2, $0) }
                })
            }, caption: "Latency from the intended start of conversations ending in each \(Int(length)) s interval"))
        body.append("<h2>Rate over time</h2>")
        var rateSeries: [(String, String, [(Double, Double)])] = []
        if run.schedule == "open" {
            rateSeries.append(("asked", "#7f7f7f", intervals.map { (Double($0.startS) + length / 2,
                                                                    Double($0.asked) / length) }))
        }
        rateSeries.append(("achieved (started)", "#1f77b4", intervals.map { (Double($0.startS) + length / 2,
                                                                             Double($0.started) / length) }))
        rateSeries.append(("accepted", "#2ca02c", intervals.map { (Double($0.startS) + length / 2,
                                                                   Double($0.accepted) / length) }))
        body.append(lineChart(id: "chart-rate", unit: "/s", span: span, series: rateSeries,
                              caption: "Conversations per second: asked by the schedule, started, accepted"))
        body.append("<h2>Outcome mix</h2>")
        body.append(barChart(id: "chart-outcomes", bars: [
            ("accepted", "#2ca02c", run.accepted), ("rejected", "#d62728", run.rejected),
            ("no answer", "#ff7f0e", run.timedOut), ("errors", "#9467bd", run.errors),
            ("not started", "#7f7f7f", run.notStarted),
        ]))
        body.append("<h2>Per node</h2>")
        body.append(nodeChart(run))
        if let persistence = run.persistence {
            body.append("<h2>Persistence</h2><table><tr><th>suspected persistence failures</th><td>"
                        + "\(persistence.suspected)</td></tr><tr><th>rate</th><td>"
                        + "\(percent(persistence.rate))</td></tr><tr><th>overall failure rate</th><td>"
                        + "\(percent(persistence.failureRate))</td></tr></table>")
        }
        if let causes = run.failuresByCause, !causes.isEmpty {
            body.append("<h2>Failures by cause</h2><table><tr><th>count</th><th>Windows error</th><th>rule</th></tr>"
                        + causes.map { "<tr><td>\($0.count)</td><td>\(escape($0.windowsError?.text ?? "–"))</td>"
                            + "<td>\(escape($0.rule ?? "–"))</td></tr>" }.joined() + "</table>")
        }
        if run.stages.count > 1 {
            body.append("<h2>Stages</h2><table><tr><th>stage</th><th>duration s</th><th>rate /s</th><th>scheduled"
                        + "</th><th>not started</th><th>accepted</th></tr>"
                        + run.stages.enumerated().map { index, stage in
                            "<tr><td>\(index + 1)</td><td>\(stage.durationS.map(format) ?? "–")</td><td>"
                                + "\(format(stage.fromPerSecond))…\(format(stage.toPerSecond))</td><td>"
                                + "\(stage.scheduled)</td><td>\(stage.notStarted)</td><td>\(stage.accepted)</td></tr>"
                        }.joined() + "</table>")
        }
        if !run.errorSamples.isEmpty {
            body.append("<h2>Errors</h2><table>" + run.errorSamples.sorted { $0.value > $1.value }.map {
                "<tr><td>\($0.value)</td><td>\(escape($0.key))</td></tr>"
            }.joined() + "</table>")
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
            script-src 'unsafe-inline'; img-src data:">
            <title>\(escape(title))</title>
            <script>window.npsprobeErrors=[];window.addEventListener('error',function(e){\
            window.npsprobeErrors.push(String(e.message));var p=document.getElementById('page-errors');\
            if(p){p.setAttribute('data-count',String(window.npsprobeErrors.length));\
            p.textContent=window.npsprobeErrors.join('\\n');}});</script>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
            svg.chart{background:#fafafa;border:1px solid #ddd;display:block;margin:.5em 0}
            .lead{font-size:1.1em} figcaption{color:#555;font-size:.9em}
            </style></head><body>
            \(body.joined(separator: "\n"))
            <pre id="page-errors" data-count="0"></pre>
            <script>(function(){var charts=document.querySelectorAll('svg.chart');\
            document.body.setAttribute('data-charts',String(charts.length));\
            var p=document.getElementById('page-errors');p.setAttribute('data-count',\
            String(window.npsprobeErrors.length));p.textContent=window.npsprobeErrors.join('\\n');\
            document.body.setAttribute('data-rendered','yes');})();</script>
            </body></html>

            """
    }

    static func summaryTable(_ run: LoadRunData) -> String {
        var rows: [(String, String)] = [
            ("conversations", "\(run.conversations) (scheduled \(run.scheduled))"),
            ("accepted", "\(run.accepted)"), ("rejected", "\(run.rejected)"), ("no answer", "\(run.timedOut)"),
            ("errors", "\(run.errors)"), ("not started", "\(run.notStarted)"),
        ]
        if let asked = run.askedPerSecond { rows.append(("asked rate", "\(format(asked))/s")) }
        rows.append(("achieved rate", "\(format(run.achievedPerSecond))/s" + (run.rateMissed ? " (missed)" : "")))
        for (key, _) in LoadReport.percentiles {
            if let value = run.latencyMs[key] {
                rows.append(("latency \(key.replacingOccurrences(of: "_", with: "."))", "\(format(value)) ms"))
            }
        }
        rows.append(("round trips", "\(run.roundTrips), retransmissions \(run.retransmissions), replies failing "
                     + "verification \(run.discardedReplies)"))
        rows.append(("identities", "\(run.identities)"))
        if let generators = run.generators { rows.append(("generators", "\(generators)")) }
        return "<table id=\"summary\">" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }
            .joined() + "</table>"
    }

    static func nodeChart(_ run: LoadRunData) -> String {
        if let nodes = run.nodes, !nodes.isEmpty {
            let table = "<table><tr><th>node</th><th>identified by</th><th>conversations</th><th>accepted</th>"
                + "<th>rejected</th><th>no answer</th><th>errors</th><th>p50 ms</th><th>p99 ms</th></tr>"
                + nodes.map { node in
                    "<tr><td>\(escape(node.node))</td><td>\(escape(node.identifiedBy ?? "–"))</td>"
                        + "<td>\(node.conversations)</td><td>\(node.accepted)</td><td>\(node.rejected)</td>"
                        + "<td>\(node.timedOut)</td><td>\(node.errors)</td>"
                        + "<td>\(node.latencyMs?["p50"].map(format) ?? "–")</td>"
                        + "<td>\(node.latencyMs?["p99"].map(format) ?? "–")</td></tr>"
                }.joined() + "</table>"
            return barChart(id: "chart-nodes", bars: nodes.enumerated().map { index, node in
                (node.node, palette[index % palette.count], node.conversations)
            }) + table
        }
        return barChart(id: "chart-nodes", bars: run.byServer.sorted { $0.key < $1.key }.enumerated().map {
            ($0.element.key, palette[$0.offset % palette.count], $0.element.value)
        }) + "<figcaption>By the server address sent to (the run names no nodes).</figcaption>"
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    // MARK: - SVG

    static let width = 900.0
    static let height = 300.0
    static let margin = (left: 60.0, right: 150.0, top: 15.0, bottom: 35.0)

    /// A line chart of `series` (x in seconds from the start), with axes, ticks and a legend.
    static func lineChart(id: String, unit: String, span: Double, series: [(String, String, [(Double, Double)])],
                          caption: String) -> String {
        let points = series.flatMap(\.2)
        let maxX = max(span, points.map(\.0).max() ?? 1, 1)
        let maxY = niceCeiling(max(points.map(\.1).max() ?? 1, 0.001))
        let plotW = width - margin.left - margin.right
        let plotH = height - margin.top - margin.bottom
        func x(_ v: Double) -> Double { margin.left + v / maxX * plotW }
        func y(_ v: Double) -> Double { margin.top + plotH - v / maxY * plotH }
        var svg = "<figure><svg class=\"chart\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"\(Int(width))\""
            + " height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += axes(maxX: maxX, maxY: maxY, unit: unit, x: x, y: y)
        for (index, (name, color, values)) in series.enumerated() {
            let path = values.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            if values.count == 1, let only = values.first {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", x(only.0), y(only.1),
                              color)
            } else if !values.isEmpty {
                svg += "<polyline class=\"series\" data-series=\"\(escape(name))\" fill=\"none\" stroke=\"\(color)\" "
                    + "stroke-width=\"2\" points=\"\(path)\"/>"
            }
            let legendY = margin.top + 15 + Double(index) * 18
            svg += String(format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"4\" fill=\"%@\"/>",
                          width - margin.right + 15, legendY - 4, color)
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\">", width - margin.right + 32, legendY)
                + escape(name) + "</text>"
        }
        if points.isEmpty {
            svg += "<text x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" text-anchor=\"middle\">no data</text>"
        }
        return svg + "</svg><figcaption>\(escape(caption))</figcaption></figure>"
    }

    static func axes(maxX: Double, maxY: Double, unit: String, x: (Double) -> Double, y: (Double) -> Double)
        -> String
    {
        var svg = String(format: "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>",
                         x(0), y(0), x(maxX), y(0))
        svg += String(format: "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>",
                      x(0), y(0), x(0), y(maxY))
        for step in 0...4 {
            let value = maxY * Double(step) / 4
            svg += String(format: "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
                          x(0), y(value), x(maxX), y(value))
            svg += String(format: "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">", x(0) - 5,
                          y(value) + 4) + escape(format(value) + " " + unit) + "</text>"
            let time = maxX * Double(step) / 4
            svg += String(format: "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">", x(time),
                          y(0) + 18) + format(time) + " s</text>"
        }
        return svg
    }

    /// Horizontal bars with their counts.
    static func barChart(id: String, bars: [(String, String, Int)]) -> String {
        let rowHeight = 26.0
        let chartHeight = max(40, Double(bars.count) * rowHeight + 20)
        let labelWidth = 170.0
        let maxValue = Double(max(bars.map(\.2).max() ?? 1, 1))
        var svg = "<svg class=\"chart\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" "
            + "height=\"\(Int(chartHeight))\" viewBox=\"0 0 \(Int(width)) \(Int(chartHeight))\" role=\"img\">"
        let total = max(bars.map(\.2).reduce(0, +), 1)
        for (index, (label, color, value)) in bars.enumerated() {
            let top = 10 + Double(index) * rowHeight
            let barWidth = Double(value) / maxValue * (width - labelWidth - 140)
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"end\">", labelWidth - 8,
                          top + 15) + escape(label) + "</text>"
            svg += String(format: "<rect class=\"bar\" x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" "
                          + "fill=\"%@\"/>",
                          labelWidth, top, barWidth, color)
            svg += String(format: "<text x=\"%.1f\" y=\"%.0f\" font-size=\"12\">", labelWidth + barWidth + 6, top + 15)
                + "\(value) (\(format(Double(value) * 100 / Double(total)))%)</text>"
        }
        if bars.isEmpty { svg += "<text x=\"20\" y=\"25\">no data</text>" }
        return svg + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e12 { return String(Int64(value)) }
        return abs(value) < 10 ? String(format: "%.2f", value) : String(format: "%.1f", value)
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0 * 100) } ?? "–"
    }

    /// Text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
