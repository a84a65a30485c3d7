// A whole number typed in the consoles' fields, in any of their digits (web/js/number-field.js
// parseWholeNumber: the seats per sector, the priorities to tick, a meeting's length). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import { parseWholeNumber } from "../../web/js/number-field.js";

test("Latin, Persian and Arabic-Indic digits are read, spaces around them ignored", () => {
  assert.equal(parseWholeNumber("2", 0, 5), 2);
  assert.equal(parseWholeNumber("۲", 0, 5), 2);
  assert.equal(parseWholeNumber("٢", 0, 5), 2);
  assert.equal(parseWholeNumber(" ۱۲ ", 1, 12), 12);
  assert.equal(parseWholeNumber("۹۰", 15, 720), 90);
  assert.equal(parseWholeNumber("1۲", 0, 20), 12);   // two keyboards in one number
  assert.equal(parseWholeNumber("0", 0, 5), 0);
});

test("anything but a whole number from min to max is null", () => {
  for (const text of ["", "  ", null, undefined, "x", "2a", "-1", "+2", "1.5", "۱٫۵", "1,000", "1 2", "۱ و نیم", "٢٠"]) {
    assert.equal(parseWholeNumber(text, 0, 12), null, JSON.stringify(text));
  }
  assert.equal(parseWholeNumber("6", 0, 5), null);
  assert.equal(parseWholeNumber("0", 1, 12), null);
  assert.equal(parseWholeNumber("14", 15, 720), null);
  assert.equal(parseWholeNumber("9".repeat(400), 0, 720), null);
});
