"""Fine-tune Studio core: all logic, no Gradio."""
