// The names of the workshop's own sectors, for labels drawn without the state at hand (a council
// member's role line, a co-lead, a note's author). page.js tells it each new state's `sectors`;
// console-common.js's groupName asks it for any key that is not one of the four groups, so a
// named sector (an SPCP day's "Faith", "Youth", ...) never shows as its raw key.

let known = [];

/** The sectors of the state a page now shows (a list of {key, names, side}; absent: keep the last). */
export function knowSectors(sectors) {
  if (Array.isArray(sectors)) known = sectors;
}

/** A named sector's name in `lang`, else in any language it has; null for a key no sector has. */
export function knownSectorName(key, lang) {
  const sector = known.find((s) => s.key === key);
  if (!sector) return null;
  const names = sector.names || {};
  return names[lang] || Object.values(names)[0] || null;
}
