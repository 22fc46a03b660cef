"""Export the published DWM checkpoints (CogVideoX-Fun + DWM LoRA) to DWM Studio model bundles."""
