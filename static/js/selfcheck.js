// "Herken je dit?": answered entirely in this page. Nothing is sent or stored: no form,
// no request, no storage. Without this script the page is a readable list.

const labels = document.querySelector("[data-answer-labels]").dataset;
const alertBox = document.querySelector("[data-safety-alert]");
const result = document.querySelector("[data-result]");
const ANSWERS = [
  ["yes", labels.yes],
  ["sometimes", labels.sometimes],
  ["no", labels.no],
  ["unknown", labels.unknown],
];

function answerGroup(item) {
  const name = item.dataset.item;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "answers";
  const legend = document.createElement("legend");
  legend.className = "visually-hidden";
  legend.textContent = item.querySelector(".checklist__question").textContent;
  fieldset.append(legend);
  for (const [value, text] of ANSWERS) {
    const label = document.createElement("label");
    label.className = "answers__option";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    input.autocomplete = "off";
    label.append(input, " ", text);
    fieldset.append(label);
  }
  return fieldset;
}

function isSignal(item, value) {
  if (value === "unknown") return false;
  return item.hasAttribute("data-signal-no") ? value === "no" : value !== "no";
}

function update(checklist) {
  const items = [...checklist.querySelectorAll("[data-item]")];
  const answered = items.map((item) => [item, item.querySelector("input:checked")?.value]);
  const danger = answered.find(
    ([item, value]) => item.hasAttribute("data-safety") && (value === "yes" || value === "sometimes"),
  );
  if (danger && alertBox.hidden) {
    // Right under the question, where the eye is; role=alert has it read out at once.
    danger[0].append(alertBox);
    alertBox.hidden = false;
    alertBox.setAttribute("role", "alert");
  }
  const anySignal = answered.some(([item, value]) => value && isSignal(item, value));
  result.querySelector("[data-result-some]").hidden = !anySignal;
  result.querySelector("[data-result-none]").hidden = anySignal;
}

for (const checklist of document.querySelectorAll("[data-checklist]")) {
  for (const item of checklist.querySelectorAll("[data-item]")) {
    item.append(answerGroup(item));
  }
  checklist.addEventListener("change", () => update(checklist));
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = labels.showResult;
  button.addEventListener("click", () => {
    update(checklist);
    result.hidden = false;
    result.focus();
  });
  checklist.append(button);
}

result.querySelector("[data-result-static]").hidden = true;
result.querySelector("[data-result-none]").hidden = false;
result.hidden = true;
