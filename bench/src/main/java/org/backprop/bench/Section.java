package org.backprop.bench;

import java.util.Map;

/** One benchmark's part of the report: its Markdown for stdout and its raw JSON. */
public record Section(String name, String markdown, Map<String, Object> json) { }
