// Reads an .ics file with Mozilla's ical.js (the parser of Thunderbird's web cousins and many
// web calendars) and prints, per event, what a client would show: its UID, SEQUENCE, status,
// start as Paris wall-clock time and as a UTC moment. Usage: node ical_starts.cjs ICALJS FILE
const fs = require("fs");
const ICAL = require(process.argv[2]);
const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[3], "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const paris = ICAL.TimezoneService.get("Europe/Paris");
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const start = event.startDate;
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    paris: start.convertToZone(paris).toString().slice(0, 16),
    utc: new Date(start.toUnixTime() * 1000).toISOString().slice(0, 16),
  };
});
console.log(JSON.stringify({ method: calendar.getFirstPropertyValue("method"), events }));
