// Copy buttons on the officials' pages: <button data-copy="ID" data-done="…" hidden>.
// Without JavaScript (or a clipboard) the button stays hidden; the text can be
// selected and copied by hand, or fetched as a file.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = button.dataset.done;
    });
  });
});
