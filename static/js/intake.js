// The chat's intake: answering "Ja" to "in direct gevaar" shows the 112 box at once.
// The chat stays open to them; without this script the 112 line under the question stays.

const form = document.querySelector("form.intake");
const alertBox = document.querySelector("[data-danger-alert]");

function update() {
  const danger = form.querySelector('input[name="in_danger"]:checked')?.value === "yes";
  if (danger && alertBox.hidden) {
    // role=alert has it read out as soon as it appears.
    alertBox.setAttribute("role", "alert");
    alertBox.hidden = false;
  } else if (!danger) {
    alertBox.hidden = true;
    alertBox.removeAttribute("role");
  }
}

if (form && alertBox) {
  form.addEventListener("change", update);
  update();
}
